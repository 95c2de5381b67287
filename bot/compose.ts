import { loadEmergencyRules } from '../flows/emergency';
import { DEFAULT_FLOWS_DIR, loadFlows } from '../flows/loader';
import { loadMenu, type Menu } from '../flows/menu';
import { BullJobQueue, connectRedis, createRedisPorts, type RedisClient } from '../integrations/redis';
import { bookingActions, createBooking, type Booking } from '../integrations/govservice/booking';
import { createProgress, progressActions, type Progress } from '../integrations/govservice/progress';
import { createWorkOrders, type WorkOrderEvents, type WorkOrderService, type WorkOrdersModule } from '../integrations/govservice/workorders';
import { WorkOrderDeskAdapter } from '../integrations/govservice/workorders/desk';
import { loadCatalog, staleEntries } from '../integrations/govservice/catalog';
import { calendarAdvisory, calendarHealthCheck, type WorkCalendar } from '../integrations/govservice/calendar';
import { loadCatalogSearch } from '../integrations/govservice/catalog/search';
import { guideActions } from '../integrations/govservice/guide-actions';
import { catalogServiceFinder } from '../integrations/govservice/catalog/search/service-finder';
import { loadCityArea } from '../integrations/govservice/city';
import { loadLexicon } from '../flows/language/lexicon';
import { nearbyHalls } from '../integrations/govservice/hall-actions';
import { hallHours, hallOptions } from '../integrations/govservice/hall-hours';
import { actionSignatures, builtInActions } from './actions';
import type { Bot } from './bot';
import { systemClock } from './clock';
import { loadCoreConfig, type CoreConfig } from './config';
import { DEFAULT_SETTINGS, createBot } from './create-bot';
import { publishFlows } from './flow-versions';
import { createLogger, type Logger } from './logger';
import { conversationStoreFrom, MemoryConversationLock, MemoryDeduper, MemoryJobQueue, MemoryReferences, MemorySessionStore, MemoryVersionedStore } from './memory';
import type { Channel } from './message';
import type { ChannelDelivery, Clock, ConversationLock, ConversationStore, Deduper, HealthCheck, JobQueue, References, SessionStore, VersionedStore } from './ports';
import type { Understanding } from './understanding/snapshot';
import { createLlmUnderstanding, loadLlmConfig } from '../integrations/llm';
import type { AnyAction } from './flow-runner';
import { loadDeskConfig, type DeskConfig } from '../flows/desk';
import { loadHotlineConfig } from '../flows/hotline';
import { hotlineActions } from '../integrations/govservice/hotline/actions';
import { residentNotices } from '../integrations/govservice/hotline/notices';
import { deskOfficeHours } from '../integrations/govservice/agent-hours';
import { RedisAgentPresence } from '../integrations/redis/handoff-presence';
import { RedisDeskEventLog } from '../integrations/redis/handoff-events';
import { RedisHandoffStore } from '../integrations/redis/handoff-store';
import { RedisTranscriptStore } from '../integrations/redis/handoff-transcript';
import { RedisAuditLog, RedisStaffDirectory } from '../integrations/redis/staff';
import { loadDeskEnv } from './handoff/config';
import { AgentDesk } from './handoff/agent-desk';
import { HandoffDesk } from './handoff/desk';
import { DeskSweeper } from './handoff/sweeper';
import { MemoryAgentPresence, MemoryDeskEventLog, MemoryHandoffStore, MemoryTranscriptStore } from './handoff/memory';
import type { OfficeHours } from './handoff/office-hours';
import type { AgentPresence, DeskEventLog, HandoffStore, TranscriptStore } from './handoff/ports';
import type { WorkOrderDesk } from './handoff/work-orders';
import { createPseudonymiser } from './pseudonym';
import { MemoryAuditLog, MemoryStaffDirectory } from './staff/memory';
import type { AuditLog, StaffDirectory } from './staff/model';

/** Every action the shipped flows may call: the runtime's own and those of the built-in backends. */
export function shippedActions(extra: AnyAction[] = []): Map<string, AnyAction> {
  return builtInActions([...guideActions, nearbyHalls, hallHours, ...bookingActions, ...progressActions, ...hotlineActions, ...extra]);
}

/** Template variables every flow can read: the city's name and the halls as choice options. */
export const FLOW_VARS = ['city', 'hallChoices'] as const;

export interface ComposeOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** Flow folders (default: the shipped flows/definitions). */
  flowsDirs?: string[];
  /** Extra actions (tests); the built-in ones are always there. */
  actions?: AnyAction[];
  /** An LLM reader instead of the one LLM_* would configure (tests, the dialogue evaluation). */
  llm?: (offline: Understanding) => Understanding;
  /** Ask the LLM reader when the offline reading's confidence is below this (default 0.9; above 1: always). */
  llmBelow?: number;
  /** The agent desk's work orders instead of the built-in ones (tests: a stand-in; `null`: not connected). */
  workOrders?: WorkOrderDesk | null;
  /** What the bot does when a work order is closed or its rating is due a reminder (also `composed.bindWorkOrderEvents`). */
  workOrderEvents?: WorkOrderEvents;
  /** The agent desk's data and hours instead of flows/desk.yaml on the calendar (tests). */
  deskConfig?: DeskConfig;
  officeHours?: OfficeHours;
}

export interface Stores {
  sessions: SessionStore;
  lock: ConversationLock;
  deduper: Deduper;
  versions: VersionedStore;
  /** The three above as one turn's step (fewer round trips on Redis). */
  conversations: ConversationStore;
  /** Reference numbers of filed records (suggestions; later work orders, bookings). */
  references: References;
  /** Staff accounts and their audit log (the console's login; later the admin editor's). */
  staff: StaffDirectory;
  audit: AuditLog;
}

/** The agent desk's state (HUMAN_AGENTS=on). */
export interface DeskStores {
  cases: HandoffStore;
  transcripts: TranscriptStore;
  events: DeskEventLog;
  presence: AgentPresence;
}

export interface Composed {
  bot: Bot;
  config: CoreConfig;
  logger: Logger;
  clock: Clock;
  stores: Stores;
  /** The shared Redis connection when REDIS_URL is set (job queues use it). */
  redis?: RedisClient;
  health: HealthCheck[];
  menu: Menu;
  /** The working-day calendar with every hall's hours (deadlines, booking days, SLA clocks). */
  calendar: WorkCalendar;
  /** Background jobs (booking reminders, polling): BullMQ on Redis, else in memory. `start()` once channels can deliver. */
  jobs: JobQueue;
  /** Booking at service halls: rules, backend, reminders. */
  booking: Booking;
  /** Progress lookups: the platform (or its simulator), anti-enumeration, "有进展通知我". */
  progress: Progress;
  /** The 12345 work orders (the WorkOrders port): Redis when REDIS_URL is set, else memory. Actions read it as `ctx.workOrders`. */
  workOrders: WorkOrderService;
  /** The rest of them: jobs (the 办结 invitation, its one reminder, the 督办 sweep), the platform outbox relay and webhook; `start()` before the job queue starts. */
  workOrderModule: WorkOrdersModule;
  /** Binds what the bot does on a closed order and on the rating reminder (read when each job runs). */
  bindWorkOrderEvents(events: WorkOrderEvents): void;
  /** The human-agent desk when HUMAN_AGENTS=on: its state and rules, what agents do (the console is served on it), and its clocks (`sweeper.start()`). */
  desk?: HandoffDesk;
  agents?: AgentDesk;
  sweeper?: DeskSweeper;
  /** Channels register how to reach residents outside a turn's reply. */
  registerDelivery(channel: Channel, delivery: ChannelDelivery): void;
  delivery(channel: Channel): ChannelDelivery | undefined;
  close(): Promise<void>;
}

/**
 * The composition root: configuration, state (memory, or Redis when REDIS_URL is set), flows,
 * actions and the bot. HTTP and channels are wired on top of it by bot/main.ts.
 */
export async function composeBot(options: ComposeOptions = {}): Promise<Composed> {
  const config = loadCoreConfig(options.env ?? process.env);
  const llmConfig = loadLlmConfig(options.env ?? process.env);
  const deskEnv = loadDeskEnv(options.env ?? process.env);
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, pseudonymKey: config.LOG_PSEUDONYM_KEY });
  const clock = options.clock ?? systemClock;
  const closers: (() => Promise<void>)[] = [];
  const health: HealthCheck[] = [];

  let stores: Stores;
  let redis: RedisClient | undefined;
  if (config.REDIS_URL) {
    const client = await connectRedis(config.REDIS_URL, logger, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
    redis = client;
    closers.push(async () => void (await client.quit().catch(() => client.destroy())));
    const ports = createRedisPorts(client, { logger, prefix: config.KEY_PREFIX });
    const staffOptions = { logger, prefix: config.KEY_PREFIX };
    stores = { ...ports, staff: new RedisStaffDirectory(client, staffOptions), audit: new RedisAuditLog(client, { ...staffOptions, retentionMs: deskEnv.AUDIT_RETENTION_DAYS * DAY_MS, now: () => clock.now() }) };
    health.push(ports.health);
  } else {
    const memory = { sessions: new MemorySessionStore({ clock }), lock: new MemoryConversationLock(), deduper: new MemoryDeduper({ clock }) };
    stores = {
      ...memory,
      versions: new MemoryVersionedStore(),
      conversations: conversationStoreFrom(memory),
      references: new MemoryReferences({ clock }),
      staff: new MemoryStaffDirectory(),
      audit: new MemoryAuditLog({ clock, retentionMs: deskEnv.AUDIT_RETENTION_DAYS * DAY_MS }),
    };
  }

  try {
    return await assemble();
  } catch (error) {
    // Nothing half-started stays open (a Redis connection would keep the process alive).
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }

  async function assemble(): Promise<Composed> {
  const jobs: JobQueue = redis ? await BullJobQueue.create({ redis, keyPrefix: config.KEY_PREFIX, logger, clock }) : new MemoryJobQueue({ clock, logger });
  closers.push(() => jobs.close());
  if (jobs instanceof BullJobQueue) health.push(jobs.health);
  const catalog = await loadCatalog();
  const stale = staleEntries(catalog, new Date(clock.now()));
  // Administrators see what residents are warned about: entries nobody re-checked for 12 months.
  if (stale.length) logger.warn({ count: stale.length, codes: stale.map((s) => s.code) }, 'catalogue entries not re-checked for 12 months (npm run catalog:stale)');
  const advisory = calendarAdvisory(catalog.calendar, clock.now());
  if (advisory) logger.warn({ check: 'calendar' }, advisory);
  health.push(calendarHealthCheck(catalog.calendar, clock));
  const city = { name: config.CITY_NAME, area: await loadCityArea() };
  const search = await loadCatalogSearch({ catalog });
  const services = catalogServiceFinder(search, catalog);
  const actions = shippedActions(options.actions);
  const files = await loadFlows(options.flowsDirs ?? [DEFAULT_FLOWS_DIR], { actions: actionSignatures(actions), vars: FLOW_VARS });
  const flows = await publishFlows(files, stores.versions, logger);
  const menu = await loadMenu();
  const deliveries = new Map<Channel, ChannelDelivery>();
  const delivery = (channel: string) => deliveries.get(channel as Channel);
  const shared = { catalog, env: options.env ?? process.env, redis: redis ? { client: redis, prefix: config.KEY_PREFIX } : undefined, jobs, deduper: stores.deduper, clock, logger, delivery };
  const booking = await createBooking(shared);
  const progress = await createProgress({ ...shared, secret: booking.secret });
  let workOrderEvents = options.workOrderEvents;
  const workOrders = await createWorkOrders({ ...shared, calendar: catalog.calendar, references: stores.references, events: () => workOrderEvents });
  closers.push(() => workOrders.close());
  const workOrderDesk = options.workOrders === undefined ? new WorkOrderDeskAdapter(workOrders.service, () => clock.now()) : (options.workOrders ?? undefined);
  const desk = config.HUMAN_AGENTS === 'on' ? await composeDesk(catalog.calendar, workOrderDesk) : undefined;

  const bot = createBot({
    flows,
    actions,
    actionContext: {
      references: stores.references,
      catalog,
      calendar: catalog.calendar,
      finder: services,
      city,
      timeZone: DEFAULT_SETTINGS.timeZone,
      booking: booking.service,
      reminders: booking.reminders,
      bookable: (code: string) => booking.config.bookable(code),
      progress,
      workOrders: workOrders.service,
      handoff: desk,
      hotline: loadHotlineConfig(),
    },
    conversations: stores.conversations,
    clock,
    logger,
    services,
    lexicon: loadLexicon(),
    llm: options.llm ?? (llmConfig.enabled ? (offline) => createLlmUnderstanding({ config: llmConfig, offline, logger }) : undefined),
    emergencies: loadEmergencyRules(),
    desk,
    settings: {
      ...DEFAULT_SETTINGS,
      idleMs: config.SESSION_IDLE_MINUTES * 60_000,
      resumeMs: config.SESSION_RESUME_HOURS * 3_600_000,
      vars: { city: config.CITY_NAME, hallChoices: hallOptions(catalog) },
      llmBelow: options.llmBelow ?? DEFAULT_SETTINGS.llmBelow,
      // The model's own deadline, and a little for its fallback; the turn stays inside WeChat's 5 s.
      llmDeadlineMs: (llmConfig.enabled ? llmConfig.timeoutMs : DEFAULT_SETTINGS.llmDeadlineMs) + 500,
    },
  });

  // The bot tells residents of their orders (the reply, the rating), unless a test binds its own.
  workOrderEvents ??= residentNotices({ bot, delivery, logger });
  const agents = desk ? new AgentDesk({ desk, audit: stores.audit, bot, delivery: (channel) => deliveries.get(channel), deduper: stores.deduper }) : undefined;
  const sweeper = agents ? new DeskSweeper({ agentDesk: agents, deduper: stores.deduper, logger }) : undefined;
  if (sweeper) closers.push(() => sweeper.stop());
  return {
    bot,
    config,
    logger,
    clock,
    stores,
    redis,
    health,
    menu,
    calendar: catalog.calendar,
    jobs,
    booking,
    progress,
    workOrders: workOrders.service,
    workOrderModule: workOrders,
    bindWorkOrderEvents: (events) => void (workOrderEvents = events),
    desk,
    agents,
    sweeper,
    registerDelivery: (channel, delivery) => void deliveries.set(channel, delivery),
    delivery: (channel) => deliveries.get(channel),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
  }

  /** The agent desk on the deployment's state: flows/desk.yaml, the teams' hours on the calendar, the work-order binding. */
  async function composeDesk(calendar: WorkCalendar, workOrders: WorkOrderDesk | undefined): Promise<HandoffDesk> {
    const deskConfig = options.deskConfig ?? (await loadDeskConfig());
    const retentionMs = deskEnv.HANDOFF_RETENTION_DAYS * DAY_MS;
    const transcriptMs = deskEnv.HANDOFF_TRANSCRIPT_DAYS * DAY_MS;
    let parts: DeskStores;
    if (redis) {
      const o = { logger, prefix: config.KEY_PREFIX };
      const events = new RedisDeskEventLog(redis, o);
      closers.push(() => events.close());
      parts = { cases: new RedisHandoffStore(redis, { ...o, retentionMs }), transcripts: new RedisTranscriptStore(redis, { ...o, retentionMs: transcriptMs }), events, presence: new RedisAgentPresence(redis, o) };
    } else {
      parts = { cases: new MemoryHandoffStore(), transcripts: new MemoryTranscriptStore({ clock, retentionMs: transcriptMs }), events: new MemoryDeskEventLog({ clock }), presence: new MemoryAgentPresence() };
    }
    return new HandoffDesk({
      store: parts.cases,
      transcripts: parts.transcripts,
      events: parts.events,
      presence: parts.presence,
      staff: stores.staff,
      hours: options.officeHours ?? deskOfficeHours(calendar, deskConfig.teams),
      config: deskConfig,
      workOrders,
      clock,
      logger,
      // Stable across instances (the same resident shows the same pseudonym on every console).
      pseudonym: createPseudonymiser(config.LOG_PSEUDONYM_KEY ?? `banshi-console:${config.KEY_PREFIX}`),
    });
  }
}

const DAY_MS = 86_400_000;
