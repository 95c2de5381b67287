import { z } from 'zod';
import type { GovServiceDeps } from '../module-deps';
import { parseEnv, wholeNumber } from '../../../bot/config';
import type { Router } from '@koa/router';
import type { References } from '../../../bot/ports';
import type { WorkCalendar } from '../calendar';
import { DeliveryWorkOrderEvents } from './delivery-events';
import { WorkOrderJobs } from './events';
import { HttpWorkOrderPlatform } from './http-platform';
import { MemoryWorkOrderStore } from './memory-store';
import { MemoryOutboxQueue, OutboxRelay, RedisOutboxQueue, type OutboxQueue, type WorkOrderPlatform } from './outbox';
import { createPlatformWebhook } from './platform-webhook';
import type { WorkOrderEvents } from './port';
import { RedisWorkOrderStore, workOrderKeys } from './redis-store';
import { WorkOrderService } from './service';
import type { WorkOrderStore } from './store';
import { loadTimeLimits, WorkOrderDeadlines } from './time-limits';

export * from './port';
export { WorkOrderService } from './service';
export { WorkOrderJobs, CLOSED_JOB, RATING_REMINDER_JOB, SUPERVISE_JOB, closedJobId, reminderJobId } from './events';
export { STATUS_LABELS, isOpen, isClosed, isOverdue, inRectification, deadlineInForce, WorkOrderNotFoundError } from './machine';
export { loadTimeLimits, WorkOrderDeadlines, type TimeLimitTable } from './time-limits';
export { OutboxRelay, type OutboxQueue, type WorkOrderPlatform } from './outbox';
export { PLATFORM_WEBHOOK_PATH } from './platform-webhook';

const DAY_MS = 86_400_000;

/** The work-order settings (.env.example). */
export const WorkOrderEnvSchema = z.object({
  /** The city 12345 platform; unset: orders stay here (sync state `local`). */
  WORKORDER_PLATFORM_URL: z.url().optional(),
  WORKORDER_PLATFORM_KEY_ID: z.string().min(1).optional(),
  WORKORDER_PLATFORM_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  /** Closed orders are kept this many days after their last change. */
  WORKORDER_RETENTION_DAYS: wholeNumber(1, 3650).default(365),
  /** The one reminder of the 好差评 invitation, this many hours after it. */
  WORKORDER_RATING_REMINDER_HOURS: wholeNumber(1, 720).default(24),
  /** A time-limit table other than integrations/govservice/workorders/time-limits.yaml. */
  WORKORDER_TIME_LIMITS_FILE: z.string().min(1).optional(),
}).refine((e) => !e.WORKORDER_PLATFORM_URL || (e.WORKORDER_PLATFORM_KEY_ID && e.WORKORDER_PLATFORM_SECRET), {
  message: 'WORKORDER_PLATFORM_URL needs WORKORDER_PLATFORM_KEY_ID and WORKORDER_PLATFORM_SECRET',
  path: ['WORKORDER_PLATFORM_URL'],
});
export type WorkOrderEnv = z.infer<typeof WorkOrderEnvSchema>;

export interface WorkOrdersDeps extends GovServiceDeps {
  calendar: WorkCalendar;
  references: References;
  /** A platform instead of the HTTP one WORKORDER_PLATFORM_URL configures (tests). */
  platform?: WorkOrderPlatform;
  /** Outbox relay timings (tests). */
  relay?: { backoffMs?: number; pollMs?: number; failAfter?: number; claimIdleMs?: number; consumer?: string };
  /** What the bot does when an order is closed or its rating is due a reminder; read when a job runs. */
  events?: () => WorkOrderEvents | undefined;
}

export interface WorkOrdersModule {
  env: WorkOrderEnv;
  service: WorkOrderService;
  store: WorkOrderStore;
  deadlines: WorkOrderDeadlines;
  jobs: WorkOrderJobs;
  /** With a platform configured: the outbox, its relay and the platform's status webhook (`/workorders/platform`). */
  outbox?: OutboxQueue;
  relay?: OutboxRelay;
  webhook?: Router;
  /** Starts the 督办 sweep and the relay (once channels can deliver, before the job queue starts). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Wires the work orders: the time-limit table, the store (Redis, else memory), the service and its jobs. */
export async function createWorkOrders(deps: WorkOrdersDeps): Promise<WorkOrdersModule> {
  const env = parseEnv(WorkOrderEnvSchema, deps.env);
  const deadlines = new WorkOrderDeadlines(await loadTimeLimits(env.WORKORDER_TIME_LIMITS_FILE), deps.calendar);
  const retentionMs = env.WORKORDER_RETENTION_DAYS * DAY_MS;
  const store: WorkOrderStore = deps.redis ? new RedisWorkOrderStore(deps.redis.client, deps.redis.prefix, retentionMs) : new MemoryWorkOrderStore({ retentionMs, clock: deps.clock });
  const service = new WorkOrderService({ store, references: deps.references, deadlines, platform: !!env.WORKORDER_PLATFORM_URL, clock: deps.clock });
  const fallback = new DeliveryWorkOrderEvents(deps.delivery, deps.logger);
  const events: WorkOrderEvents = {
    closed: (o) => (deps.events?.() ?? fallback).closed(o),
    ratingReminder: (o) => (deps.events?.() ?? fallback).ratingReminder(o),
    extended: async (o) => deps.events?.()?.extended?.(o),
  };
  const jobs = new WorkOrderJobs({ service, jobs: deps.jobs, events, clock: deps.clock, logger: deps.logger, reminderMs: env.WORKORDER_RATING_REMINDER_HOURS * 3_600_000 });
  let outbox: OutboxQueue | undefined;
  let relay: OutboxRelay | undefined;
  let webhook: Router | undefined;
  const { WORKORDER_PLATFORM_URL: url, WORKORDER_PLATFORM_KEY_ID: keyId, WORKORDER_PLATFORM_SECRET: secret } = env;
  if (url && keyId && secret) {
    const keys = deps.redis ? workOrderKeys(deps.redis.prefix) : undefined;
    outbox = deps.redis && keys ? new RedisOutboxQueue(deps.redis.client, { stream: keys.outbox(), tries: keys.outboxTries() }, deps.relay?.claimIdleMs) : new MemoryOutboxQueue(store as MemoryWorkOrderStore);
    const platform = deps.platform ?? new HttpWorkOrderPlatform({ baseUrl: url, keyId, secret, logger: deps.logger });
    relay = new OutboxRelay({ queue: outbox, store, service, platform, clock: deps.clock, logger: deps.logger, ...deps.relay });
    webhook = createPlatformWebhook({ keyId, secret, service, nonces: deps.deduper, clock: deps.clock, logger: deps.logger });
  }
  return {
    env,
    service,
    store,
    deadlines,
    jobs,
    ...(outbox ? { outbox } : {}),
    ...(relay ? { relay } : {}),
    ...(webhook ? { webhook } : {}),
    start: async () => {
      await jobs.start();
      relay?.start();
    },
    close: async () => {
      await relay?.stop();
    },
  };
}
