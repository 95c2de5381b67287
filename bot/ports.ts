import type { Channel, OutboundMessage } from './message';

/**
 * Ports: the small interfaces through which the runtime reaches state and outside systems.
 * Each has an in-memory implementation (bot/memory, the embedded default) and a Redis one
 * (integrations/redis). One contract suite (test/contract) runs against both.
 *
 * Keys passed to ports are already namespaced by the caller (see docs/redis-keys.md); adapters
 * add only the deployment-wide prefix (`KEY_PREFIX`, default `banshi:`).
 */

/** Small JSON records with a time-to-live: sessions, pending replies, caches. */
export interface SessionStore {
  /** The stored value, or undefined when absent or expired. Callers validate it (zod). */
  get(key: string): Promise<unknown>;
  /** Stores a JSON-serialisable value; replaces any previous value and its TTL. */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What a lock holder can ask about its hold. */
export interface Lease {
  /** True once the hold has lasted its lease: the next call may already have started. */
  readonly lapsed: boolean;
}

/**
 * A per-key FIFO lock: `run` calls for one key execute one at a time, in the order they were
 * queued, across every app instance sharing the store. A holder that dies is skipped after
 * `leaseMs` so a crash never blocks a conversation for good; a caller that gives up waiting (a
 * hung store) hands its place on at once instead of holding the queue for the lease.
 */
export interface ConversationLock {
  run<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T>;
}

/** Remembers message ids for a while: the first `claim` of a key wins, later ones are duplicates. */
export interface Deduper {
  /** True when this call is the first claim of `key` within `ttlSeconds`. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claim (used when the turn failed before doing anything, so a retry may run it). */
  release(key: string): Promise<void>;
}

/** What a turn leaves in its conversation's stored state. */
export type StateWrite = { kind: 'save'; value: unknown; ttlSeconds: number } | { kind: 'delete' } | { kind: 'keep' };

/**
 * A record a turn files (a suggestion; later work orders and bookings), at a `SessionStore` key
 * with its own retention. Created in the same step as the turn's state write, never overwritten.
 */
export interface RecordWrite {
  key: string;
  value: unknown;
  ttlSeconds: number;
}

/**
 * A turn's writes were not applied, neither its state nor its records: its lease lapsed before
 * the write reached the store (a hung store, a stalled process), or a record it would create
 * exists already. The message counts as not handled: the resident is asked to send it again,
 * and a platform retry of it may run.
 */
export class TurnNotSavedError extends Error {
  override name = 'TurnNotSavedError';
  readonly retryable = true;
  constructor(
    readonly reason: 'lease-lapsed' | 'record-exists',
    message: string,
  ) {
    super(message);
  }
}

/** Which message a turn answers and which conversation it belongs to. */
export interface TurnKeys {
  /** The message's de-duplication key: the first claim wins, a repeat within `claimTtlSeconds` is a duplicate. */
  claim: string;
  claimTtlSeconds: number;
  /** The conversation: its turns run one at a time, in arrival order, across instances. */
  conversation: string;
  /** Where the conversation's state is kept (a `SessionStore` key). */
  state: string;
}

/** What a turn hands back to the store: its result, its state write and the records it files. */
export interface TurnOutcome<T> {
  result: T;
  write: StateWrite;
  records?: RecordWrite[];
}

/**
 * A conversation turn against shared state: claim the message (de-duplication), wait for the
 * conversation's FIFO turn (as `ConversationLock`), hand `fn` the stored state (as
 * `SessionStore.get`), then apply fn's state write and create its records (never overwriting
 * one) in the one step that lets the next turn in: all of them or none.
 *
 * - `fn` throws: nothing is written, the claim is given up (a retry may run the message), the
 *   error is passed on.
 * - The write is not applied (`TurnNotSavedError`): the lease lapsed first (the store hung, the
 *   process stalled), or a record exists. Nothing of the turn is kept and the claim is given up.
 *   The store waits for the write's outcome as long as the lease lasts, so a store that hangs
 *   and comes back within it costs a delay, not the answer; after the lease it cannot apply.
 * - `turn` resolves only once the write is known to be applied.
 *
 * The same as `Deduper.claim` + `ConversationLock.run` + `SessionStore` get/set, on the same keys
 * (`conversationStoreFrom` composes exactly that, for one process). The Redis store does it in two
 * round trips and survives a crashed instance: a repeat of a message whose first attempt is still
 * running waits behind it, then is a duplicate if it finished or runs the message if that attempt
 * died (its lease lapsed) or gave up.
 */
export interface ConversationStore {
  turn<T>(keys: TurnKeys, fn: (state: unknown) => Promise<TurnOutcome<T>>): Promise<{ duplicate: true } | { duplicate: false; result: T }>;
}

/** One immutable version of a document (a flow, later a catalogue snapshot). */
export interface VersionedDoc {
  version: number;
  doc: unknown;
}

/**
 * Documents with immutable numbered versions, grouped in namespaces (`flows`, `catalog`).
 * Versions are never overwritten: a conversation pinned to version N can always read N while
 * it is kept.
 */
export interface VersionedStore {
  /** Stores version `version` of `id`; 'exists' (and no change) when that version is already stored. */
  put(ns: string, id: string, version: number, doc: unknown): Promise<'created' | 'exists'>;
  get(ns: string, id: string, version: number): Promise<unknown>;
  /** The highest stored version of `id`, if any. */
  latest(ns: string, id: string): Promise<VersionedDoc | undefined>;
  /** Stored versions of `id`, ascending. */
  versions(ns: string, id: string): Promise<number[]>;
  /** Ids that have at least one version in `ns`, sorted. */
  list(ns: string): Promise<string[]>;
}

/** Kinds of reference numbers and their two-letter prefixes (see bot/references.ts for the format). */
export const REFERENCE_PREFIXES = { suggestion: 'YJ', workOrder: 'GD', booking: 'YY' } as const;
export type ReferenceKind = keyof typeof REFERENCE_PREFIXES;

/**
 * Issues reference numbers: prefix, the date in Asia/Shanghai, that day's next serial for the
 * prefix (an atomic counter) and a Damm check digit, e.g. `YJ20261201000173` (format, parsing and
 * checking: bot/references.ts). Unique by construction: a serial is handed out once per prefix and
 * day, across instances. The records filed under a number are created never overwriting one
 * (`RecordWrite`), so even a counter lost with its data cannot make one resident's record replace
 * another's.
 */
export interface References {
  /**
   * The reference for `key` (an idempotency key: the action's key, i.e. message + flow + step): a
   * new one, or the same one again for a key issued within `REFERENCE_TTL_SECONDS` (a platform
   * retry of the message), so a retry files one record under one number.
   */
  issue(kind: ReferenceKind, key: string, at: number): Promise<string>;
}

/** Wall-clock time in epoch milliseconds; frozen in tests. */
export interface Clock {
  now(): number;
}

/** Where a conversation lives, enough for a channel to reach the resident later. */
export interface ConversationAddress {
  channel: Channel;
  userId: string;
  conversationId: string;
}

/**
 * A notification the resident agreed to receive: a booking reminder, a change in an
 * application's progress. Channels with notification templates (WeChat's subscription and
 * template messages) show `fields`; the others send `text`.
 */
export interface Notice {
  kind: 'booking-reminder' | 'progress-change';
  /** The message as residents read it in a chat. */
  text: string;
  /** booking-reminder: service, time, place; progress-change: caseName, caseNo, status. */
  fields: Record<string, string>;
  /** Not worth sending after this instant (a reminder once the appointment has begun). */
  expiresAt?: number;
}

/**
 * How a message to the resident would travel right now, for the agent console to say before an
 * agent sends: straight away (Wechaty `say`, the simulator's stream), within the official
 * account's 48-hour customer-service window and its quota, or — the window closed — held until
 * the resident writes again (a work order's replies then go as template messages when one is
 * configured).
 */
export type ChannelReach =
  | { mode: 'live' }
  | { mode: 'window'; remaining: number; until: number }
  | { mode: 'held'; template: boolean }
  | { mode: 'unreachable'; why: string };

/**
 * Delivers messages outside a turn's passive reply: late answers, agent replies, notifications.
 * Each channel registers one; delivery may be queued and retried by the channel.
 */
export interface ChannelDelivery {
  deliver(to: ConversationAddress, messages: OutboundMessage[]): Promise<void>;
  /** A notice by the channel's notification means (outside the chat window); without it, `text` is delivered. */
  notice?(to: ConversationAddress, notice: Notice): Promise<void>;
  /** How a message would go right now (default: live). */
  reach?(to: ConversationAddress): Promise<ChannelReach>;
}

/** Answers whether a dependency is reachable, for /readyz. */
export interface HealthCheck {
  name: string;
  /** Throws (or rejects) when the dependency is not usable. */
  check(): Promise<void>;
  /** A failing advisory check is a warning in /readyz, not a reason to take the instance out of rotation. */
  advisory?: boolean;
}

/** A catalogue service a message may mean, with the search's score. */
export interface ServiceCandidate {
  code: string;
  name: string;
  score: number;
  /** For a 一件事 bundle: the codes of the items it contains. */
  members?: string[];
}

/** What a message names among the catalogue's services: one clearly, a few (ask which), or none. */
export interface ServiceMatch {
  kind: 'single' | 'ambiguous' | 'none';
  /** The match, the choices, or the closest suggestions; best first. */
  services: ServiceCandidate[];
  /** The message names what the service is about (身份证, 公积金 …), not just words the search knows. */
  named?: boolean;
}

/**
 * Finds the catalogue services a resident's words name (the catalogue search, with its evidence:
 * score margins and the key objects named). Synchronous and fast: it runs on the turn's path.
 */
export interface ServiceFinder {
  find(text: string): ServiceMatch;
}

/** A background job: what runs (`name` picks the handler), when, with what, under a stable id. */
export interface JobSpec {
  /** Unique per job (letters, digits, `-`, `_`, `.`; no `:`): scheduling an id already waiting is a no-op. */
  id: string;
  name: string;
  /** Epoch ms; a time already past runs as soon as possible. */
  runAt: number;
  data: Record<string, unknown>;
}

/** Handles one kind of job; throwing retries it with backoff, so it must be idempotent. */
export type JobHandler = (data: Record<string, unknown>, job: { id: string; attempt: number }) => Promise<void>;

/**
 * Background jobs: delayed one-off jobs keyed by id (a booking's reminder, removed when the
 * booking is cancelled) and recurring ones (a polling sweep). On Redis (BullMQ) they survive
 * restarts and run on one instance each; in memory they live in the process. A job may run twice
 * after a crash: handlers re-read what they act on and act once.
 */
export interface JobQueue {
  schedule(job: JobSpec): Promise<void>;
  /** Removes a job that has not run yet; nothing happens when it is gone or running. */
  cancel(id: string): Promise<void>;
  /** Runs `name` every `everyMs` (replacing an earlier interval for that name). */
  every(name: string, everyMs: number): Promise<void>;
  /** The handler of `name`'s jobs; register every handler before `start`. */
  handle(name: string, handler: JobHandler): void;
  /** Begins running jobs (the composition root calls it once the channels can deliver). */
  start(): Promise<void>;
  close(): Promise<void>;
}
