import { gainsOwner, transition, type HandoffEvent } from '../../bot/handoff/machine';
import { HandoffCaseSchema, isActive, queueScore, type HandoffCase } from '../../bot/handoff/model';
import type { HandoffStore, StoreResult } from '../../bot/handoff/ports';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
import { luaScript } from './script';
import { parseStoredJson } from './stored-json';

// KEYS: case, conversation pointer, active index. ARGV: id, doc, queue score.
// The conversation's active case wins; an id that exists (a retry) is left as it is.
const OPEN = luaScript('HandoffStore.open', `
local active = redis.call('GET', KEYS[2])
if active then return {'active', active} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists', ARGV[1]} end
redis.call('HSET', KEYS[1], 'v', '1', 'doc', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return {'created', ARGV[1]}
`);

// KEYS: case, active index, conversation pointer, old owner's set, new owner's set, ended index.
// ARGV: expected v, new v, doc, id, new status, active score, capacity (-1: none), gains owner,
// had owner, ended retention ms, ended at.
// Compare-and-set on the version; the capacity check and every index change in the same step.
const APPLY = luaScript('HandoffStore.apply', `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return 'not-found' end
if v ~= ARGV[1] then return 'conflict' end
if ARGV[8] == '1' then
  local cap = tonumber(ARGV[7])
  if cap >= 0 and redis.call('SCARD', KEYS[5]) >= cap then return 'over-capacity' end
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
if ARGV[9] == '1' then redis.call('SREM', KEYS[4], ARGV[4]) end
local status = ARGV[5]
if status == 'agent' then redis.call('SADD', KEYS[5], ARGV[4]) end
if status == 'queued' or status == 'agent' then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[4])
else
  redis.call('ZREM', KEYS[2], ARGV[4])
  if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
  redis.call('ZADD', KEYS[6], ARGV[11], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', tonumber(ARGV[11]) - tonumber(ARGV[10]))
  redis.call('PEXPIRE', KEYS[1], ARGV[10])
end
return 'ok'
`);

/** Assigned cases sort after every queued one in the active index. */
const ASSIGNED_BAND = 4e13;
const MAX_CONFLICT_RETRIES = 30;

function activeScore(c: HandoffCase): number {
  return c.status === 'queued' ? queueScore(c) : ASSIGNED_BAND + (c.assignedAt ?? c.queuedAt);
}

/**
 * `HandoffStore` on Redis. A case is a hash `hd:case:<id>` (`v`, `doc`); the conversation's
 * active case `hd:conv:<conversationId>`; every active case in the sorted set `hd:active` (queue
 * order, then assigned); an agent's chats in the set `hd:agent:<username>`; ended cases in
 * `hd:ended` (by end time) and kept `retentionMs`. A change is computed by the state machine from
 * the case as read, then applied by one Lua call only if the case is still at that version
 * (with the owner's capacity checked in the same call); a lost race is recomputed from the new
 * state, so two instances' changes never overwrite each other.
 */
export class RedisHandoffStore implements HandoffStore {
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

  async open(c: HandoffCase): Promise<{ created: boolean; case: HandoffCase }> {
    const valid = HandoffCaseSchema.parse(c);
    const k = this.#keys;
    const reply = (await OPEN.run(this.#client, [k.handoffCase(valid.id), k.handoffConversation(valid.address.conversationId), k.handoffActive()], [valid.id, JSON.stringify(valid), String(queueScore(valid))])) as [string, string];
    if (reply[0] === 'created') return { created: true, case: valid };
    const existing = await this.get(reply[1]);
    if (!existing) throw new Error(`RedisHandoffStore.open(): case ${reply[1]} is indexed but unreadable`);
    return { created: false, case: existing };
  }

  async get(id: string): Promise<HandoffCase | undefined> {
    return (await this.#read(id))?.case;
  }

  async activeFor(conversationId: string): Promise<HandoffCase | undefined> {
    const id = await call(this.#client, 'HandoffStore.activeFor', (c) => c.get(this.#keys.handoffConversation(conversationId)));
    return id ? this.get(id) : undefined;
  }

  async apply(id: string, event: HandoffEvent, options: { capacity?: number } = {}): Promise<StoreResult> {
    const k = this.#keys;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const current = await this.#read(id);
      if (!current) return { ok: false, error: 'not-found', message: `no case ${id}` };
      const result = transition(current.case, event);
      if (!result.ok) return result;
      const next = HandoffCaseSchema.parse(result.case);
      const owner = gainsOwner(current.case, next);
      const before = current.case.agent;
      const reply = await APPLY.run(
        this.#client,
        [k.handoffCase(id), k.handoffActive(), k.handoffConversation(next.address.conversationId), k.handoffAgent(before ?? ''), k.handoffAgent(next.agent ?? ''), k.handoffEnded()],
        [
          String(current.v),
          String(next.v),
          JSON.stringify(next),
          id,
          next.status,
          String(activeScore(next)),
          String(options.capacity ?? -1),
          owner !== undefined ? '1' : '0',
          before !== undefined && before !== next.agent ? '1' : '0',
          String(this.#retentionMs),
          String(next.endedAt ?? 0),
        ],
      );
      if (reply === 'ok') return { ok: true, case: next };
      if (reply === 'over-capacity') return { ok: false, error: 'over-capacity', message: `${owner ?? '?'} already holds ${options.capacity ?? 0} chats` };
      if (reply === 'not-found') return { ok: false, error: 'not-found', message: `no case ${id}` };
      // 'conflict': someone changed it since we read it; recompute from what it is now (after a
      // short random pause once it keeps happening, so a crowd of writers spreads out).
      if (attempt >= 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
    return { ok: false, error: 'conflict', message: `case ${id} kept changing; try again` };
  }

  async active(): Promise<HandoffCase[]> {
    const ids = await call(this.#client, 'HandoffStore.active', (c) => c.zRange(this.#keys.handoffActive(), 0, -1));
    return this.#many(ids);
  }

  async ended(since: number, limit: number): Promise<HandoffCase[]> {
    const ids = await call(this.#client, 'HandoffStore.ended', (c) => c.zRange(this.#keys.handoffEnded(), '+inf', since, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: limit } }));
    return this.#many(ids);
  }

  async load(agent: string): Promise<number> {
    return call(this.#client, 'HandoffStore.load', (c) => c.sCard(this.#keys.handoffAgent(agent)));
  }

  async #many(ids: string[]): Promise<HandoffCase[]> {
    const read = await Promise.all(ids.map((id) => this.#read(id)));
    return read.flatMap((r) => (r && (isActive(r.case) || r.case.endedAt !== undefined) ? [r.case] : []));
  }

  async #read(id: string): Promise<{ v: number; case: HandoffCase } | undefined> {
    const fields = await call(this.#client, 'HandoffStore.get', (c) => c.hmGet(this.#keys.handoffCase(id), ['v', 'doc']));
    const [v, doc] = fields as (string | null)[];
    if (!v || !doc) return undefined;
    const parsed = HandoffCaseSchema.safeParse(parseStoredJson(doc, this.#logger, 'RedisHandoffStore: stored case is not JSON; treated as absent', { id }));
    if (!parsed.success) {
      this.#logger.error({ id, issues: parsed.error.issues.length }, 'RedisHandoffStore: stored case does not parse; treated as absent');
      return undefined;
    }
    return { v: Number(v), case: parsed.data };
  }
}
