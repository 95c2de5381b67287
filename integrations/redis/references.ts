import { REFERENCE_PREFIXES, type References, type ReferenceKind } from '../../bot/ports';
import { formatReference, REFERENCE_TTL_SECONDS, referenceDay } from '../../bot/references';
import type { RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
import { luaScript } from './script';

// KEYS: counter of the prefix and day, the key's issued reference. ARGV: day, ttlSeconds.
// Returns "<day>:<serial>": the one issued for this key before, or the day's next serial.
const ISSUE = luaScript('References.issue', `
local issued = redis.call('GET', KEYS[2])
if issued then return issued end
local serial = redis.call('INCR', KEYS[1])
if serial == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
issued = ARGV[1] .. ':' .. serial
redis.call('SET', KEYS[2], issued, 'EX', ARGV[2])
return issued
`);

/**
 * `References` on Redis: one Lua call INCRs `ref:<prefix>:<day>` (the day's counter, expiring
 * `REFERENCE_TTL_SECONDS` after its first number) and remembers the serial under
 * `ref:<prefix>:key:<key>`, so the same key gets the same reference on any instance.
 */
export class RedisReferences implements References {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
  }

  async issue(kind: ReferenceKind, key: string, at: number): Promise<string> {
    const prefix = REFERENCE_PREFIXES[kind];
    const day = referenceDay(at);
    const reply = await ISSUE.run(this.#client, [this.#keys.referenceCounter(prefix, day), this.#keys.referenceIssued(prefix, key)], [day, String(REFERENCE_TTL_SECONDS)]);
    const m = typeof reply === 'string' ? /^(\d{8}):(\d+)$/.exec(reply) : null;
    if (!m) throw new Error(`RedisReferences.issue(): unexpected script reply ${JSON.stringify(reply)}`);
    return formatReference(kind, m[1]!, Number(m[2]));
  }
}
