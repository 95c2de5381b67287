import { auditMatches } from '../../bot/staff/memory';
import { AuditEntrySchema, StaffAccountSchema, type AuditEntry, type AuditLog, type AuditQuery, type StaffAccount, type StaffDirectory } from '../../bot/staff/model';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

/** `StaffDirectory` on Redis: one hash `staff:accounts`, field = username, value = the account as JSON. */
export class RedisStaffDirectory implements StaffDirectory {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #logger: RedisStoreOptions['logger'];

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
    this.#logger = options.logger;
  }

  async create(account: StaffAccount): Promise<'created' | 'exists'> {
    const valid = StaffAccountSchema.parse(account);
    const set = await call(this.#client, 'StaffDirectory.create', (c) => c.hSetNX(this.#keys.staffAccounts(), valid.username, JSON.stringify(valid)));
    return Number(set) === 1 ? 'created' : 'exists';
  }

  async get(username: string): Promise<StaffAccount | undefined> {
    const json = await call(this.#client, 'StaffDirectory.get', (c) => c.hGet(this.#keys.staffAccounts(), username));
    return json ? this.#parse(username, json) : undefined;
  }

  async list(): Promise<StaffAccount[]> {
    const all = await call(this.#client, 'StaffDirectory.list', (c) => c.hGetAll(this.#keys.staffAccounts()));
    return Object.entries(all)
      .flatMap(([username, json]) => {
        const a = this.#parse(username, json);
        return a ? [a] : [];
      })
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  async update(username: string, patch: Partial<Omit<StaffAccount, 'username' | 'createdAt'>>): Promise<StaffAccount | undefined> {
    const current = await this.get(username);
    if (!current) return undefined;
    const next = StaffAccountSchema.parse({ ...current, ...patch, username, createdAt: current.createdAt });
    // HSET only if the account is still there (an update never resurrects one).
    const exists = await call(this.#client, 'StaffDirectory.update', (c) => c.hExists(this.#keys.staffAccounts(), username));
    if (!Number(exists)) return undefined;
    await call(this.#client, 'StaffDirectory.update', (c) => c.hSet(this.#keys.staffAccounts(), username, JSON.stringify(next)));
    return next;
  }

  #parse(username: string, json: string): StaffAccount | undefined {
    try {
      const parsed = StaffAccountSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through
    }
    this.#logger.error({ username }, 'RedisStaffDirectory: stored account does not parse; treated as absent');
    return undefined;
  }
}

/** Entries read per XREVRANGE while filtering, and the most scanned for one query. */
const PAGE = 500;
const MAX_SCANNED = 20_000;

/**
 * `AuditLog` on a Redis Stream `audit`: XADD only (entries are never changed or deleted), each
 * append trimming entries older than the retention (`MINID ~`). Queries read backwards with
 * XREVRANGE and filter.
 */
export class RedisAuditLog implements AuditLog {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(client: RedisClient, options: RedisStoreOptions & { retentionMs: number; now: () => number }) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
    this.#retentionMs = options.retentionMs;
    this.#now = options.now;
  }

  async append(entry: Omit<AuditEntry, 'id'>): Promise<string> {
    const minId = Math.max(0, this.#now() - this.#retentionMs);
    return call(this.#client, 'AuditLog.append', (c) =>
      c.xAdd(this.#keys.audit(), '*', { e: JSON.stringify(entry) }, { TRIM: { strategy: 'MINID', strategyModifier: '~', threshold: minId } }),
    );
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let end = query.before ? `(${query.before}` : '+';
    let scanned = 0;
    while (out.length < query.limit && scanned < MAX_SCANNED) {
      const start = query.from !== undefined ? String(query.from) : '-';
      const rows = ((await call(this.#client, 'AuditLog.list', (c) => c.xRevRange(this.#keys.audit(), end, start, { COUNT: PAGE }))) ?? []).filter((r) => r !== null);
      if (rows.length === 0) break;
      scanned += rows.length;
      for (const row of rows) {
        const entry = this.#decode(row.id, row.message);
        if (entry && auditMatches(entry, query)) out.push(entry);
        if (out.length >= query.limit) break;
      }
      end = `(${rows.at(-1)!.id}`;
      if (rows.length < PAGE) break;
    }
    return out;
  }

  #decode(id: string, message: Record<string, string>): AuditEntry | undefined {
    try {
      const parsed = AuditEntrySchema.safeParse({ ...JSON.parse(message['e'] ?? ''), id });
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
