import { createHmac } from 'node:crypto';
import { call, type RedisClient } from '../../redis/client';
import { luaScript } from '../../redis/script';

/** Failed lookups allowed within `windowMs`, per resident and per application number, before a cool-down of `lockMs`. */
export interface GuardLimits {
  failures: number;
  windowMs: number;
  lockMs: number;
}

export type GuardVerdict = { ok: true } | { ok: false; until: number };

/**
 * Anti-enumeration for progress lookups: failures are counted per resident and per application
 * number (whoever types it), and either reaching the limit locks lookups for a cool-down. Both
 * are keyed by keyed hashes, so neither the numbers nor residents' ids are stored in clear.
 * A success does not reset the counts (a resident's own application must not open the door
 * to guessing others').
 */
export interface ProgressGuard {
  check(resident: string, number: string, now: number): Promise<GuardVerdict>;
  fail(resident: string, number: string, now: number): Promise<GuardVerdict>;
}

/** A keyed hash that stands for an application number or a resident in keys and logs. */
export function tagOf(secret: string, kind: 'number' | 'resident', value: string): string {
  return createHmac('sha256', secret).update(`${kind}:${value}`).digest('base64url').slice(0, 16);
}

export class MemoryProgressGuard implements ProgressGuard {
  readonly #fails = new Map<string, { count: number; until: number }>();
  readonly #locks = new Map<string, number>();

  constructor(
    private readonly secret: string,
    private readonly limits: GuardLimits,
  ) {}

  async check(resident: string, number: string, now: number): Promise<GuardVerdict> {
    const until = Math.max(...this.#keys(resident, number).map((k) => this.#locks.get(k) ?? 0));
    return until > now ? { ok: false, until } : { ok: true };
  }

  async fail(resident: string, number: string, now: number): Promise<GuardVerdict> {
    for (const key of this.#keys(resident, number)) {
      const f = this.#fails.get(key);
      const current = f && f.until > now ? { count: f.count + 1, until: f.until } : { count: 1, until: now + this.limits.windowMs };
      if (current.count >= this.limits.failures) {
        this.#locks.set(key, now + this.limits.lockMs);
        this.#fails.delete(key);
      } else this.#fails.set(key, current);
    }
    if (this.#fails.size > 100_000) for (const [k, v] of this.#fails) if (v.until <= now) this.#fails.delete(k);
    return this.check(resident, number, now);
  }

  #keys(resident: string, number: string): string[] {
    return [`r:${tagOf(this.secret, 'resident', resident)}`, `n:${tagOf(this.secret, 'number', number)}`];
  }
}

// KEYS: fail counter (resident), fail counter (number), lock (resident), lock (number). ARGV: now, windowMs, limit, lockMs.
const FAIL = luaScript(
  'Progress.fail',
  `
local now, window, limit, lock = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, 2 do
  local c = redis.call('INCR', KEYS[i])
  if c == 1 then redis.call('PEXPIRE', KEYS[i], window) end
  if c >= limit then
    redis.call('SET', KEYS[i + 2], now + lock, 'PX', lock)
    redis.call('DEL', KEYS[i])
  end
end
local a = tonumber(redis.call('GET', KEYS[3]) or '0')
local b = tonumber(redis.call('GET', KEYS[4]) or '0')
return tostring(math.max(a, b))
`,
);

export class RedisProgressGuard implements ProgressGuard {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly secret: string,
    private readonly limits: GuardLimits,
  ) {}

  async check(resident: string, number: string, now: number): Promise<GuardVerdict> {
    const [, , lockR, lockN] = this.#keys(resident, number);
    const values = await call(this.client, 'Progress.check', (c) => c.mGet([lockR, lockN]));
    const until = Math.max(...values.map((v) => Number(v ?? 0)));
    return until > now ? { ok: false, until } : { ok: true };
  }

  async fail(resident: string, number: string, now: number): Promise<GuardVerdict> {
    const until = Number(await FAIL.run(this.client, this.#keys(resident, number), [String(now), String(this.limits.windowMs), String(this.limits.failures), String(this.limits.lockMs)]));
    return until > now ? { ok: false, until } : { ok: true };
  }

  #keys(resident: string, number: string): [string, string, string, string] {
    const r = tagOf(this.secret, 'resident', resident);
    const n = tagOf(this.secret, 'number', number);
    return [`${this.prefix}pg:fail:r:${r}`, `${this.prefix}pg:fail:n:${n}`, `${this.prefix}pg:lock:r:${r}`, `${this.prefix}pg:lock:n:${n}`];
  }
}
