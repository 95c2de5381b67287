import { systemClock } from '../clock';
import { compareEventIds, parseEventId } from '../handoff/event-ids';
import type { Clock } from '../ports';
import { StaffAccountSchema, type AuditEntry, type AuditLog, type AuditQuery, type StaffAccount, type StaffDirectory } from './model';

/** The embedded `StaffDirectory` (one instance; accounts are gone when the process ends). */
export class MemoryStaffDirectory implements StaffDirectory {
  readonly #accounts = new Map<string, StaffAccount>();

  async create(account: StaffAccount): Promise<'created' | 'exists'> {
    const valid = StaffAccountSchema.parse(account);
    if (this.#accounts.has(valid.username)) return 'exists';
    this.#accounts.set(valid.username, structuredClone(valid));
    return 'created';
  }

  async get(username: string): Promise<StaffAccount | undefined> {
    const a = this.#accounts.get(username);
    return a ? structuredClone(a) : undefined;
  }

  async list(): Promise<StaffAccount[]> {
    return [...this.#accounts.values()].map((a) => structuredClone(a)).sort((a, b) => a.username.localeCompare(b.username));
  }

  async update(username: string, patch: Partial<Omit<StaffAccount, 'username' | 'createdAt'>>): Promise<StaffAccount | undefined> {
    const current = this.#accounts.get(username);
    if (!current) return undefined;
    const next = StaffAccountSchema.parse({ ...current, ...patch, username, createdAt: current.createdAt });
    this.#accounts.set(username, next);
    return structuredClone(next);
  }
}

/** Whether an entry passes the query's filters (not the paging). */
export function auditMatches(e: AuditEntry, q: AuditQuery): boolean {
  return (q.from === undefined || e.at >= q.from) && (q.to === undefined || e.at <= q.to) && (q.actor === undefined || e.actor === q.actor) && (q.action === undefined || e.action === q.action);
}

/** The embedded `AuditLog`: append-only, entries older than the retention dropped. */
export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];
  readonly #clock: Clock;
  readonly #retentionMs: number;
  #lastMs = 0;
  #seq = 0;

  constructor(options: { clock?: Clock; retentionMs: number }) {
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = options.retentionMs;
  }

  async append(entry: Omit<AuditEntry, 'id'>): Promise<string> {
    const ms = Math.max(this.#clock.now(), this.#lastMs);
    this.#seq = ms === this.#lastMs ? this.#seq + 1 : 0;
    this.#lastMs = ms;
    const id = `${ms}-${this.#seq}`;
    this.#entries.push(structuredClone({ ...entry, id }));
    const cutoff = this.#clock.now() - this.#retentionMs;
    while (this.#entries.length && (this.#entries[0]?.at ?? 0) < cutoff) this.#entries.shift();
    return id;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const before = query.before ? parseEventId(query.before) : undefined;
    const out: AuditEntry[] = [];
    for (let i = this.#entries.length - 1; i >= 0 && out.length < query.limit; i--) {
      const e = this.#entries[i]!;
      if (before && compareEventIds(parseEventId(e.id)!, before) >= 0) continue;
      if (auditMatches(e, query)) out.push(structuredClone(e));
    }
    return out;
  }
}
