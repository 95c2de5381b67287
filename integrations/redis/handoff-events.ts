import { z } from 'zod';
import { compareEventIds, parseEventId } from '../../bot/handoff/event-ids';
import type { DeskEvent, DeskEventLog } from '../../bot/handoff/ports';
import { call, reconnectDelayMs, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

const StoredEventSchema = z.object({
  type: z.enum(['case', 'message', 'offer', 'agents']),
  caseId: z.string().optional(),
  agent: z.string().optional(),
  data: z.custom<DeskEvent['data']>((v) => v !== undefined),
});

/** How long one XREAD waits before it is sent again (keeps the loop responsive to close()). */
const BLOCK_MS = 5_000;

/**
 * `DeskEventLog` on a Redis Stream `hd:events` (capped near `maxEvents` with `MAXLEN ~`): every
 * instance publishes there and reads it with one blocking XREAD loop on a connection of its own,
 * so a console connected to any instance sees every instance's events, and a console that
 * reconnects (to any instance) resumes after its `Last-Event-ID` with XRANGE.
 */
export class RedisDeskEventLog implements DeskEventLog {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #logger: RedisStoreOptions['logger'];
  readonly #max: number;
  readonly #listeners = new Set<(event: DeskEvent) => void>();
  #reader: RedisClient | undefined;
  #loop: Promise<void> | undefined;
  #reading: Promise<void> | undefined;
  #markReading: (() => void) | undefined;
  #closed = false;

  constructor(client: RedisClient, options: RedisStoreOptions & { maxEvents?: number }) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
    this.#logger = options.logger;
    this.#max = options.maxEvents ?? 5000;
  }

  async publish(event: Omit<DeskEvent, 'id'>): Promise<string> {
    const fields = { e: JSON.stringify({ type: event.type, caseId: event.caseId, agent: event.agent, data: event.data }) };
    return call(this.#client, 'DeskEventLog.publish', (c) =>
      c.xAdd(this.#keys.deskEvents(), '*', fields, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.#max } }),
    );
  }

  async after(id: string, limit: number): Promise<DeskEvent[] | undefined> {
    const from = parseEventId(id);
    if (!from) return undefined;
    const key = this.#keys.deskEvents();
    const [first, last, rows, trimmed] = await call(this.#client, 'DeskEventLog.after', (c) =>
      Promise.all([c.xRange(key, '-', '+', { COUNT: 1 }), c.xRevRange(key, '+', '-', { COUNT: 1 }), c.xRange(key, `(${id}`, '+', { COUNT: limit }), this.#trimmed(c, key)]),
    );
    const firstId = first?.[0] ? parseEventId(first[0].id) : undefined;
    const lastId = last?.[0] ? parseEventId(last[0].id) : undefined;
    if (!firstId || !lastId) return id === '0-0' ? [] : undefined;
    // Older than what is kept (events may have been trimmed in between), or from a stream since reset.
    if (compareEventIds(from, firstId) < 0 && trimmed) return undefined;
    if (compareEventIds(from, lastId) > 0) return undefined;
    return (rows ?? []).flatMap((row) => (row ? this.#decode(row.id, row.message) : []));
  }

  /** Whether the stream ever dropped entries (entries added ≠ length; Redis 7.2 and 7.0 report it; unknown counts as dropped). */
  async #trimmed(c: RedisClient, key: string): Promise<boolean> {
    try {
      const info = (await c.xInfoStream(key)) as unknown as Record<string, unknown>;
      const added = Number(info['entries-added']);
      return !(Number.isFinite(added) && added === Number(info['length']));
    } catch {
      return true;
    }
  }

  async last(): Promise<string> {
    const rows = await call(this.#client, 'DeskEventLog.last', (c) => c.xRevRange(this.#keys.deskEvents(), '+', '-', { COUNT: 1 }));
    return rows?.[0]?.id ?? '0-0';
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#start();
    return () => void this.#listeners.delete(listener);
  }

  /** Resolves once this instance's reader is reading (events published from then on reach its listeners). */
  whenReading(): Promise<void> {
    this.#start();
    return this.#reading!;
  }

  #start(): void {
    if (this.#loop) return;
    this.#reading = new Promise((resolve) => (this.#markReading = resolve));
    this.#loop = this.#read().catch((err: unknown) => {
      if (!this.#closed) this.#logger.error({ err }, 'desk events reader stopped');
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    const reader = this.#reader;
    this.#reader = undefined;
    // A blocked XREAD would hold close() for up to BLOCK_MS: drop the connection instead.
    if (reader?.isOpen) reader.destroy();
    await this.#loop?.catch(() => undefined);
  }

  #decode(id: string, message: Record<string, string>): DeskEvent[] {
    try {
      const parsed = StoredEventSchema.safeParse(JSON.parse(message['e'] ?? ''));
      if (parsed.success) return [{ id, ...parsed.data }];
    } catch {
      // fall through
    }
    this.#logger.warn({ id }, 'RedisDeskEventLog: unreadable event skipped');
    return [];
  }

  async #read(): Promise<void> {
    const reader = this.#client.duplicate();
    reader.on('error', (err: unknown) => this.#logger.debug({ err }, 'desk events reader: connection error'));
    this.#reader = reader;
    await reader.connect();
    let lastId = await this.last();
    this.#markReading?.();
    let failures = 0;
    while (!this.#closed) {
      try {
        const reply = await reader.xRead({ key: this.#keys.deskEvents(), id: lastId }, { BLOCK: BLOCK_MS, COUNT: 200 });
        failures = 0;
        for (const stream of reply ?? []) {
          for (const row of stream.messages) {
            if (!row) continue;
            lastId = row.id;
            for (const event of this.#decode(row.id, row.message)) for (const listener of this.#listeners) listener(event);
          }
        }
      } catch (err) {
        if (this.#closed) break;
        failures += 1;
        if (failures === 1) this.#logger.warn({ err }, 'desk events reader: read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(failures)));
      }
    }
  }
}
