import { z } from 'zod';
import { ChannelSchema } from '../../../bot/message';
import type { Logger } from '../../../bot/logger';
import type { ChannelDelivery, Clock, ConversationAddress, Deduper, JobQueue, Notice } from '../../../bot/ports';
import type { WorkCalendar } from '../calendar';
import { call, type RedisClient } from '../../redis/client';
import { tagOf } from './guard';
import type { ProgressBackend } from './port';
import type { Application } from './schema';
import { latestChange } from './timeline';

/** How long a resident's "有进展通知我" lasts (and their 我的办件 entry). */
export const WATCH_RETENTION_DAYS = 180;

const AddressSchema = z.object({ channel: ChannelSchema, userId: z.string(), conversationId: z.string() });
const WatchSchema = z.object({ address: AddressSchema, seen: z.number().int(), since: z.number() });
export type Watch = z.infer<typeof WatchSchema>;

/**
 * Who follows which application: a resident asked "有进展通知我" after unlocking it with the
 * number and the second factor, so their 我的办件 lists it without typing anything again.
 */
export interface WatchStore {
  add(number: string, address: ConversationAddress, version: number, now: number): Promise<void>;
  /** Numbers the resident follows. */
  mine(address: ConversationAddress): Promise<string[]>;
  watchers(number: string): Promise<Watch[]>;
  /** Every followed number (the polling job's list). */
  numbers(): Promise<string[]>;
  /** The version the resident was last told about. */
  seen(number: string, address: ConversationAddress, version: number): Promise<void>;
}

const who = (a: ConversationAddress) => `${a.channel}:${a.userId}`;

export class MemoryWatchStore implements WatchStore {
  readonly #watches = new Map<string, Map<string, Watch>>();

  async add(number: string, address: ConversationAddress, version: number, now: number): Promise<void> {
    const list = this.#watches.get(number) ?? new Map<string, Watch>();
    const before = list.get(who(address));
    list.set(who(address), { address, seen: Math.max(version, before?.seen ?? 0), since: before?.since ?? now });
    this.#watches.set(number, list);
  }

  async mine(address: ConversationAddress): Promise<string[]> {
    return [...this.#watches].filter(([, list]) => list.has(who(address))).map(([n]) => n);
  }

  async watchers(number: string): Promise<Watch[]> {
    return [...(this.#watches.get(number)?.values() ?? [])];
  }

  async numbers(): Promise<string[]> {
    return [...this.#watches.keys()];
  }

  async seen(number: string, address: ConversationAddress, version: number): Promise<void> {
    const w = this.#watches.get(number)?.get(who(address));
    if (w) w.seen = Math.max(w.seen, version);
  }
}

/** Watches on Redis: `pg:watch:<number>` (hash: resident → watch), `pg:watched` (set), `pg:mine:<resident>` (set). */
export class RedisWatchStore implements WatchStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async add(number: string, address: ConversationAddress, version: number, now: number): Promise<void> {
    const before = (await this.watchers(number)).find((w) => who(w.address) === who(address));
    const watch: Watch = { address, seen: Math.max(version, before?.seen ?? 0), since: before?.since ?? now };
    const ttl = WATCH_RETENTION_DAYS * 86_400;
    await call(this.client, 'Progress.watch', (c) =>
      c
        .multi()
        .hSet(this.#watch(number), who(address), JSON.stringify(watch))
        .expire(this.#watch(number), ttl)
        .sAdd(`${this.prefix}pg:watched`, number)
        .sAdd(this.#mine(address), number)
        .expire(this.#mine(address), ttl)
        .exec(),
    );
  }

  async mine(address: ConversationAddress): Promise<string[]> {
    return call(this.client, 'Progress.mine', (c) => c.sMembers(this.#mine(address)));
  }

  async watchers(number: string): Promise<Watch[]> {
    const all = await call(this.client, 'Progress.watchers', (c) => c.hGetAll(this.#watch(number)));
    return Object.values(all).flatMap((v) => {
      const parsed = WatchSchema.safeParse(JSON.parse(v));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async numbers(): Promise<string[]> {
    const numbers = await call(this.client, 'Progress.numbers', (c) => c.sMembers(`${this.prefix}pg:watched`));
    // A number whose watches all expired leaves the list.
    const live = await Promise.all(numbers.map(async (n) => ((await call(this.client, 'Progress.exists', (c) => c.exists(this.#watch(n)))) ? n : undefined)));
    const gone = numbers.filter((_, i) => live[i] === undefined);
    if (gone.length) await call(this.client, 'Progress.prune', (c) => c.sRem(`${this.prefix}pg:watched`, gone));
    return live.filter((n): n is string => n !== undefined);
  }

  async seen(number: string, address: ConversationAddress, version: number): Promise<void> {
    const w = (await this.watchers(number)).find((x) => who(x.address) === who(address));
    if (!w || w.seen >= version) return;
    await call(this.client, 'Progress.seen', (c) => c.hSet(this.#watch(number), who(address), JSON.stringify({ ...w, seen: version })));
  }

  #watch(number: string): string {
    return `${this.prefix}pg:watch:${number}`;
  }

  #mine(address: ConversationAddress): string {
    return `${this.prefix}pg:mine:${who(address)}`;
  }
}

export const POLL_JOB = 'progress.poll';

export interface NotifierDeps {
  watches: WatchStore;
  backend: ProgressBackend;
  calendar: WorkCalendar;
  delivery(channel: string): ChannelDelivery | undefined;
  /** Claims (number, version, resident) once: a webhook retry or a polling overlap never notifies twice. */
  notified: Deduper;
  clock: Clock;
  logger: Logger;
  secret: string;
}

/**
 * Tells followers when an application changes: from the platform's signed webhook or from the
 * polling job, whichever sees it first; each (application, version, resident) is notified once.
 */
export class ProgressNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** Registers the polling job on `jobs` (run every `everyMs`). */
  async poll(jobs: JobQueue, everyMs: number): Promise<void> {
    jobs.handle(POLL_JOB, () => this.sweep());
    await jobs.every(POLL_JOB, everyMs);
  }

  /** Checks every followed application once. */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    for (const number of await this.deps.watches.numbers()) {
      const app = await this.deps.backend.get(number, now);
      if (app) await this.update(app);
    }
  }

  /** Notifies the followers of `app` who have not heard of its current version. */
  async update(app: Application): Promise<number> {
    let sent = 0;
    const tag = tagOf(this.deps.secret, 'number', app.number);
    for (const w of await this.deps.watches.watchers(app.number)) {
      if (w.seen >= app.version) continue;
      const claim = `pg:notified:${tag}:${app.version}:${who(w.address)}`;
      if (!(await this.deps.notified.claim(claim, WATCH_RETENTION_DAYS * 86_400))) continue;
      const delivery = this.deps.delivery(w.address.channel);
      if (!delivery) {
        this.deps.logger.warn({ application: tag, channel: w.address.channel }, 'progress notification not sent: the channel cannot deliver');
        await this.deps.notified.release(claim);
        continue;
      }
      const change = latestChange(app, this.deps.calendar);
      const notice: Notice = {
        kind: 'progress-change',
        text: `您关注的「${app.item.name}」（${app.number}）有新进展：${change}。回复“查进度”看详情。`,
        fields: { caseName: app.item.name, caseNo: app.number, status: change },
      };
      try {
        if (delivery.notice) await delivery.notice(w.address, notice);
        else await delivery.deliver(w.address, [{ kind: 'text', text: notice.text }]);
      } catch (err) {
        await this.deps.notified.release(claim);
        throw err;
      }
      await this.deps.watches.seen(app.number, w.address, app.version);
      sent++;
      this.deps.logger.info({ application: tag, version: app.version, channel: w.address.channel }, 'progress notification sent');
    }
    return sent;
  }
}
