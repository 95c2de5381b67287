import { call, type RedisClient } from '../../redis/client';
import { luaScript } from '../../redis/script';
import type { WorkOrder, WorkOrderStatus } from './port';
import { residentKeyOf } from './port';
import { indexOf, type SaveOptions, type StoredOrder, type WorkOrderStore } from './store';

/** Key names of the work orders under the deployment prefix (docs/redis-keys.md). */
export function workOrderKeys(prefix: string) {
  return {
    order: (ref: string) => `${prefix}wo:ord:${ref}`,
    resident: (residentKey: string) => `${prefix}wo:res:${residentKey}`,
    all: () => `${prefix}wo:all`,
    due: () => `${prefix}wo:due`,
    rectification: () => `${prefix}wo:rect`,
    idem: (key: string) => `${prefix}wo:idem:${key}`,
    outbox: () => `${prefix}wo:outbox`,
    outboxTries: () => `${prefix}wo:outbox:tries`,
  };
}

/** How long a filing's key answers a retry with the same order. */
const IDEMPOTENCY_TTL_S = 7 * 86_400;
/** The outbox stream is trimmed (approximately) beyond this many entries; the relay keeps far fewer pending. */
const OUTBOX_MAXLEN = 100_000;

// KEYS: order, resident, all, due, rect, idem, outbox
// ARGV: mode (create|save), ref, doc, expectedVersion, openedAt, dueAt ('' none), rect (1|0),
//       idemTtl, outbox (1|0), at, expireMs (0: keep), maxlen, residentTtlMs
const WRITE = luaScript(
  'WorkOrders.write',
  `
local v
if ARGV[1] == 'create' then
  local filed = redis.call('GET', KEYS[6])
  if filed then return {'exists', filed} end
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists', ARGV[2]} end
  v = 1
  redis.call('SET', KEYS[6], ARGV[2], 'EX', ARGV[8])
else
  local cur = redis.call('HGET', KEYS[1], 'v')
  if not cur or cur ~= ARGV[4] then return {'conflict'} end
  v = tonumber(cur) + 1
end
redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'v', v)
if ARGV[11] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[11]) else redis.call('PERSIST', KEYS[1]) end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[13])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], ARGV[6], ARGV[2]) else redis.call('ZREM', KEYS[4], ARGV[2]) end
if ARGV[7] == '1' then redis.call('ZADD', KEYS[5], ARGV[10], ARGV[2]) else redis.call('ZREM', KEYS[5], ARGV[2]) end
if ARGV[9] == '1' then
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[12], '*', 'ref', ARGV[2], 'v', v, 'event', v == 1 and 'filed' or 'updated', 'at', ARGV[10])
end
return {'ok', tostring(v)}
`,
);

/**
 * Work orders on Redis: each order a hash (doc: the JSON, v: its version), indexes as sorted
 * sets (per resident, all, deadlines in force, open 整改), the filing's idempotency key and the
 * platform outbox (a stream): all written by one Lua script per change. Closed orders expire
 * `retentionMs` after their last change; index members of expired orders are dropped on read.
 */
export class RedisWorkOrderStore implements WorkOrderStore {
  readonly keys: ReturnType<typeof workOrderKeys>;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly retentionMs: number,
  ) {
    this.keys = workOrderKeys(prefix);
  }

  async get(reference: string): Promise<StoredOrder | undefined> {
    const h = await call(this.client, 'WorkOrders.get', (c) => c.hmGet(this.keys.order(reference), ['doc', 'v']));
    const [doc, v] = h as (string | null)[];
    if (!doc || !v) return undefined;
    return { order: JSON.parse(doc) as WorkOrder, version: Number(v) };
  }

  async create(order: WorkOrder, key: string, options: SaveOptions): Promise<StoredOrder & { created: boolean }> {
    const reply = await this.#write('create', order, 0, options, key);
    if (reply[0] === 'exists') {
      const existing = await this.get(reply[1] ?? '');
      if (!existing) throw new Error(`work order ${reply[1]} was filed under this key but is gone`);
      return { ...existing, created: false };
    }
    return { order, version: 1, created: true };
  }

  async save(order: WorkOrder, version: number, options: SaveOptions): Promise<boolean> {
    return (await this.#write('save', order, version, options, ''))[0] === 'ok';
  }

  async #write(mode: 'create' | 'save', order: WorkOrder, version: number, options: SaveOptions, key: string): Promise<string[]> {
    const k = this.keys;
    const ix = indexOf(order);
    const ref = order.reference;
    return (await WRITE.run(
      this.client,
      [k.order(ref), k.resident(residentKeyOf(order.filing.address)), k.all(), k.due(), k.rectification(), k.idem(key || `-${ref}`), k.outbox()],
      [
        mode,
        ref,
        JSON.stringify(order),
        String(version),
        String(order.openedAt),
        ix.dueAt === undefined ? '' : String(ix.dueAt),
        ix.rectification ? '1' : '0',
        String(IDEMPOTENCY_TTL_S),
        options.outbox ? '1' : '0',
        String(options.at),
        ix.closed ? String(this.retentionMs) : '0',
        String(OUTBOX_MAXLEN),
        String(Math.max(this.retentionMs, 365 * 86_400_000)),
      ],
    )) as string[];
  }

  /** Reads orders by reference, dropping index members whose order expired. */
  async #load(index: string, refs: string[]): Promise<WorkOrder[]> {
    if (refs.length === 0) return [];
    const docs = await call(this.client, 'WorkOrders.load', (c) => {
      const m = c.multi();
      for (const r of refs) m.hGet(this.keys.order(r), 'doc');
      return m.exec();
    });
    const gone: string[] = [];
    const out: WorkOrder[] = [];
    refs.forEach((r, i) => {
      const doc = docs[i];
      if (typeof doc === 'string') out.push(JSON.parse(doc) as WorkOrder);
      else gone.push(r);
    });
    if (gone.length) await call(this.client, 'WorkOrders.prune', (c) => c.zRem(index, gone));
    return out;
  }

  async byResident(residentKey: string, limit: number): Promise<WorkOrder[]> {
    const index = this.keys.resident(residentKey);
    const refs = await call(this.client, 'WorkOrders.byResident', (c) => c.zRange(index, 0, limit - 1, { REV: true }));
    return this.#load(index, refs);
  }

  async due(at: number, limit: number): Promise<WorkOrder[]> {
    const index = this.keys.due();
    const refs = await call(this.client, 'WorkOrders.due', (c) => c.zRangeByScore(index, '-inf', at, { LIMIT: { offset: 0, count: limit } }));
    return this.#load(index, refs);
  }

  async inRectification(limit: number): Promise<WorkOrder[]> {
    const index = this.keys.rectification();
    const refs = await call(this.client, 'WorkOrders.rectification', (c) => c.zRange(index, 0, limit - 1, { REV: true }));
    return this.#load(index, refs);
  }

  async recent(filter: { status?: WorkOrderStatus; limit: number; scan: number }): Promise<WorkOrder[]> {
    const index = this.keys.all();
    const refs = await call(this.client, 'WorkOrders.recent', (c) => c.zRange(index, 0, filter.scan - 1, { REV: true }));
    return (await this.#load(index, refs)).filter((o) => !filter.status || o.status === filter.status).slice(0, filter.limit);
  }
}
