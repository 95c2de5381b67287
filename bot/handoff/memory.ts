import { systemClock } from '../clock';
import type { Clock } from '../ports';
import { compareEventIds, parseEventId } from './event-ids';
import { transition, gainsOwner, type HandoffEvent } from './machine';
import { HandoffCaseSchema, isActive, queueScore, type HandoffCase, type TranscriptEntry } from './model';
import type { AgentPresence, DeskEvent, DeskEventLog, HandoffStore, PresenceMark, StoreResult, TranscriptStore } from './ports';

const copy = <T>(value: T): T => structuredClone(value);

/** The embedded `HandoffStore` (one instance). Every call runs to completion before the next: atomic by construction. */
export class MemoryHandoffStore implements HandoffStore {
  readonly #cases = new Map<string, HandoffCase>();
  readonly #byConversation = new Map<string, string>();

  async open(c: HandoffCase): Promise<{ created: boolean; case: HandoffCase }> {
    const valid = HandoffCaseSchema.parse(c);
    const activeId = this.#byConversation.get(valid.address.conversationId);
    const active = activeId ? this.#cases.get(activeId) : undefined;
    if (active) return { created: false, case: copy(active) };
    const existing = this.#cases.get(valid.id);
    if (existing) return { created: false, case: copy(existing) };
    this.#cases.set(valid.id, copy(valid));
    this.#byConversation.set(valid.address.conversationId, valid.id);
    return { created: true, case: copy(valid) };
  }

  async get(id: string): Promise<HandoffCase | undefined> {
    const c = this.#cases.get(id);
    return c ? copy(c) : undefined;
  }

  async activeFor(conversationId: string): Promise<HandoffCase | undefined> {
    const id = this.#byConversation.get(conversationId);
    return id ? this.get(id) : undefined;
  }

  async apply(id: string, event: HandoffEvent, options: { capacity?: number } = {}): Promise<StoreResult> {
    const current = this.#cases.get(id);
    if (!current) return { ok: false, error: 'not-found', message: `no case ${id}` };
    const result = transition(current, event);
    if (!result.ok) return result;
    const owner = gainsOwner(current, result.case);
    if (owner !== undefined && options.capacity !== undefined && this.#loadOf(owner) >= options.capacity) {
      return { ok: false, error: 'over-capacity', message: `${owner} already holds ${options.capacity} chats` };
    }
    const next = HandoffCaseSchema.parse(result.case);
    this.#cases.set(id, copy(next));
    if (!isActive(next) && this.#byConversation.get(next.address.conversationId) === id) this.#byConversation.delete(next.address.conversationId);
    return { ok: true, case: copy(next) };
  }

  async active(): Promise<HandoffCase[]> {
    const all = [...this.#cases.values()].filter(isActive);
    const queued = all.filter((c) => c.status === 'queued').sort((a, b) => queueScore(a) - queueScore(b));
    const assigned = all.filter((c) => c.status === 'agent').sort((a, b) => (a.assignedAt ?? 0) - (b.assignedAt ?? 0));
    return copy([...queued, ...assigned]);
  }

  async ended(since: number, limit: number): Promise<HandoffCase[]> {
    const ended = [...this.#cases.values()].filter((c) => !isActive(c) && (c.endedAt ?? 0) >= since);
    return copy(ended.sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)).slice(0, limit));
  }

  async load(agent: string): Promise<number> {
    return this.#loadOf(agent);
  }

  #loadOf(agent: string): number {
    let n = 0;
    for (const c of this.#cases.values()) if (c.status === 'agent' && c.agent === agent) n += 1;
    return n;
  }
}

/** Entries kept per conversation; the oldest go first. */
export const TRANSCRIPT_MAX_ENTRIES = 300;

/** Orders entries as they happened: by time, then by their place within a turn. */
export function byTime(a: TranscriptEntry, b: TranscriptEntry): number {
  return a.at - b.at || a.seq - b.seq;
}

/** The embedded `TranscriptStore`: bounded per conversation, entries older than `retentionMs` dropped on write and read. */
export class MemoryTranscriptStore implements TranscriptStore {
  readonly #entries = new Map<string, TranscriptEntry[]>();
  readonly #clock: Clock;
  readonly #retentionMs: number;

  constructor(options: { clock?: Clock; retentionMs: number }) {
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = options.retentionMs;
  }

  async append(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const kept = [...this.#fresh(conversationId), ...copy(entries)].slice(-TRANSCRIPT_MAX_ENTRIES);
    this.#entries.set(conversationId, kept);
  }

  async read(conversationId: string, limit = TRANSCRIPT_MAX_ENTRIES): Promise<TranscriptEntry[]> {
    return copy(this.#fresh(conversationId).slice(-limit)).sort(byTime);
  }

  async erase(conversationId: string): Promise<void> {
    this.#entries.delete(conversationId);
  }

  #fresh(conversationId: string): TranscriptEntry[] {
    const cutoff = this.#clock.now() - this.#retentionMs;
    // Like a Redis key's TTL: the whole transcript lapses once its newest entry is older than the retention.
    const list = this.#entries.get(conversationId) ?? [];
    const newest = list.reduce((max, e) => Math.max(max, e.at), -Infinity);
    if (list.length && newest < cutoff) {
      this.#entries.delete(conversationId);
      return [];
    }
    return list;
  }
}

/** The embedded `DeskEventLog`: the newest `maxEvents` in memory, listeners called synchronously after publish. */
export class MemoryDeskEventLog implements DeskEventLog {
  readonly #events: DeskEvent[] = [];
  readonly #listeners = new Set<(event: DeskEvent) => void>();
  readonly #clock: Clock;
  readonly #max: number;
  #lastMs = 0;
  #seq = 0;
  #trimmed = false;

  constructor(options: { clock?: Clock; maxEvents?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#max = options.maxEvents ?? 5000;
  }

  async publish(event: Omit<DeskEvent, 'id'>): Promise<string> {
    const ms = Math.max(this.#clock.now(), this.#lastMs);
    this.#seq = ms === this.#lastMs ? this.#seq + 1 : 0;
    this.#lastMs = ms;
    const stored: DeskEvent = { ...copy(event), id: `${ms}-${this.#seq}` };
    this.#events.push(stored);
    while (this.#events.length > this.#max) {
      this.#events.shift();
      this.#trimmed = true;
    }
    for (const listener of this.#listeners) listener(copy(stored));
    return stored.id;
  }

  async after(id: string, limit: number): Promise<DeskEvent[] | undefined> {
    const from = parseEventId(id);
    if (!from) return undefined;
    const first = this.#events[0];
    const last = this.#events.at(-1);
    if (!first || !last) return id === '0-0' ? [] : undefined;
    // Older than what is kept (events may have been dropped in between), or from another run.
    if (compareEventIds(from, parseEventId(first.id)!) < 0 && this.#trimmed) return undefined;
    if (compareEventIds(from, parseEventId(last.id)!) > 0) return undefined;
    return copy(this.#events.filter((e) => compareEventIds(parseEventId(e.id)!, from) > 0).slice(0, limit));
  }

  async last(): Promise<string> {
    return this.#events.at(-1)?.id ?? '0-0';
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}

/** The embedded `AgentPresence`. */
export class MemoryAgentPresence implements AgentPresence {
  readonly #marks = new Map<string, PresenceMark>();

  async set(mark: PresenceMark): Promise<void> {
    this.#marks.set(mark.agent, { ...mark });
  }

  async remove(agent: string): Promise<void> {
    this.#marks.delete(agent);
  }

  async list(now: number): Promise<PresenceMark[]> {
    return [...this.#marks.values()].filter((m) => m.until > now).map((m) => ({ ...m }));
  }
}
