import { byTime, TRANSCRIPT_MAX_ENTRIES } from '../../bot/handoff/memory';
import { TranscriptEntrySchema, type TranscriptEntry } from '../../bot/handoff/model';
import type { TranscriptStore } from '../../bot/handoff/ports';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

/**
 * `TranscriptStore` on Redis: a list `hd:tx:<conversationId>` of JSON entries, trimmed to the
 * newest `TRANSCRIPT_MAX_ENTRIES` and expiring `retentionMs` after its last write (one MULTI per
 * append). Entries are sorted by time on read: turns of one conversation run one at a time, but
 * their appends may land out of order.
 */
export class RedisTranscriptStore implements TranscriptStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #logger: RedisStoreOptions['logger'];
  readonly #retentionMs: number;

  constructor(client: RedisClient, options: RedisStoreOptions & { retentionMs: number }) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
    this.#logger = options.logger;
    this.#retentionMs = options.retentionMs;
  }

  async append(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const key = this.#keys.transcript(conversationId);
    const values = entries.map((e) => JSON.stringify(e));
    await call(this.#client, 'TranscriptStore.append', (c) =>
      c.multi().rPush(key, values).lTrim(key, -TRANSCRIPT_MAX_ENTRIES, -1).pExpire(key, this.#retentionMs).exec(),
    );
  }

  async read(conversationId: string, limit = TRANSCRIPT_MAX_ENTRIES): Promise<TranscriptEntry[]> {
    const raw = await call(this.#client, 'TranscriptStore.read', (c) => c.lRange(this.#keys.transcript(conversationId), -limit, -1));
    const entries: TranscriptEntry[] = [];
    for (const item of raw) {
      let value: unknown;
      try {
        value = JSON.parse(item);
      } catch {
        value = undefined;
      }
      const parsed = TranscriptEntrySchema.safeParse(value);
      if (parsed.success) entries.push(parsed.data);
      else this.#logger.warn({ conversationId }, 'RedisTranscriptStore: unreadable entry skipped');
    }
    return entries.sort(byTime);
  }

  async erase(conversationId: string): Promise<void> {
    await call(this.#client, 'TranscriptStore.erase', (c) => c.del(this.#keys.transcript(conversationId)));
  }
}
