import { randomBytes } from 'node:crypto';
import { ErrorReply } from 'redis';
import type { Logger } from '../../bot/logger';
import type { Lease } from '../../bot/ports';
import { commandTimeoutOf, type RedisClient } from './client';
import { ABANDON, ACQUIRE, RELEASE } from './ticket-scripts';

export interface TicketQueueOptions {
  logger: Logger;
  leaseMs: number;
  keyTtlMs: number;
  maxPollMs: number;
}

/** The lock keys of one queue; `state` and `claim` ride along with acquire and commit. */
export interface QueueKeys {
  name: string;
  ticket: string;
  serving: string;
  state?: string;
  claim?: { key: string; ttlSeconds: number };
}

/** A call's hold on its queue. */
export interface Hold {
  ticket: number;
  /** Who holds it (unique per call): what commit and abandon name. */
  holder: string;
  /** The state read with the acquire (when `QueueKeys.state` was given). */
  state: string | null;
  /** `performance.now()` when the acquire's reply arrived: the lease runs from before it. */
  since: number;
}

/** How a commit ended; only 'committed' applied anything. */
export type CommitOutcome = 'committed' | 'aborted' | 'lapsed' | 'exists' | 'gone';

/** A record created with the commit (if its key is free; otherwise nothing is applied). */
export interface RecordText {
  key: string;
  json: string;
  ttlSeconds: number;
}

/** Thrown when the lock lease lapsed before this call got its turn (the process stalled). */
export class LockTurnSkippedError extends Error {
  override name = 'LockTurnSkippedError';
}

// How long past the lease a commit is waited for: the client's and the server's clocks may tick a
// little apart (or a failover brings another server's clock). After it, the commit cannot apply.
const FENCE_MARGIN_MS = 500;

const PROCESS_ID = randomBytes(6).toString('base64url');
let holders = 0;

/**
 * The FIFO ticket lock behind `RedisConversationLock` and `RedisConversationStore` (scripts in
 * ticket-scripts.ts).
 *
 * - `<ticket>` (string counter): acquire INCRs it; the reply is this call's ticket t.
 * - `<serving>` (hash): `n` is the last ticket done, `at` the server time (ms) when the current
 *   holder (ticket n+1) became eligible or acquired; `h:<holder>` the ticket of each live call;
 *   `a:<ticket>` marks a queued ticket whose caller gave up.
 * - Ticket t runs when n = t − 1. Acquire is one Lua call (claim + INCR + read + maybe claim the
 *   turn + read the state), so an uncontended turn costs one round trip to begin and one to end.
 * - Waiters re-run the script with their ticket, backing off 1 → 2 → … → `maxPollMs` ms (polling,
 *   not pub/sub: no second connection per instance, and a conversation's queue is rarely deep).
 *   A release in this process wakes the local waiter holding the next ticket at once; other
 *   instances see it on their next poll.
 * - Dead holder: when `at` is older than `leaseMs`, the polling script advances n by one
 *   (compare-and-set inside Lua, so two waiters cannot both skip).
 * - Given up: an acquire with no reply within the command timeout (a hung Redis) may still run
 *   later. The caller then sends an abandon behind it on the same connection: if the acquire ran,
 *   its turn is handed on at once (or its queued ticket passed over) and its claim dropped, so the
 *   conversation's next message does not wait out the lease.
 * - Commit (the release): applies the state write and records only while the holder still holds
 *   the turn within its lease, on the server's clock. The caller waits for its reply until the
 *   lease (plus a margin) has run out, re-sending it when the connection drops (a repeat of an
 *   applied commit answers 'committed'); past that point the commit can no longer apply, so the
 *   outcome is always known: a hung Redis that comes back within the lease costs a delay, not a
 *   lost answer or a half-applied turn. Leases are not renewed: `leaseMs` is also the longest a
 *   turn may hold its conversation.
 * - Every script refreshes both lock keys' TTL together (`keyTtlMs`), so an idle conversation's
 *   keys vanish and a fresh pair restarts at ticket 1, serving 0.
 * - Server time (Redis TIME) is used for leases, so instance clocks may disagree.
 */
export class TicketQueue {
  readonly #client: RedisClient;
  readonly #options: TicketQueueOptions;
  /** Per queue and ticket: wake-up callbacks of this process's waiters, called on a local release. */
  readonly #waiters = new Map<string, Map<number, () => void>>();

  constructor(client: RedisClient, options: TicketQueueOptions) {
    if (options.keyTtlMs <= options.leaseMs) throw new RangeError('TicketQueue: keyTtlMs must exceed leaseMs');
    this.#client = client;
    this.#options = options;
  }

  /**
   * Waits for this call's turn. 'duplicate' when the claim says the message was handled already.
   * If Redis does not answer in time the error is passed on and the place is given up.
   */
  async acquire(q: QueueKeys, operation: string): Promise<'duplicate' | Hold> {
    if (q.claim && !q.state) throw new Error('TicketQueue.acquire(): a claim rides only with a state key');
    const keys = q.claim ? [q.ticket, q.serving, q.state!, q.claim.key] : q.state ? [q.ticket, q.serving, q.state] : [q.ticket, q.serving];
    const lease = String(this.#options.leaseMs);
    const ttl = String(this.#options.keyTtlMs);
    const holder = `${PROCESS_ID}.${(holders += 1)}`;
    const args = (ticket: number) => (q.claim ? [String(ticket), lease, ttl, holder, String(q.claim.ttlSeconds)] : [String(ticket), lease, ttl, holder]);
    let reply: AcquireReply;
    try {
      // Issued before any await: calls made in order take tickets in order.
      reply = parseAcquire(await ACQUIRE.run(this.#client, keys, args(0)));
      let pause = 1;
      while (reply.status === 0) {
        await this.#sleep(q.name, reply.ticket, pause);
        pause = Math.min(pause * 2, this.#options.maxPollMs);
        reply = parseAcquire(await ACQUIRE.run(this.#client, keys, args(reply.ticket)));
      }
    } catch (err) {
      this.#abandon(q, holder);
      throw err;
    }
    if (reply.status === -2) {
      // A duplicate that waited its turn handed it on inside the script: wake a local next ticket.
      if (reply.ticket > 0) this.#wakeNext(q.name, reply.ticket);
      return 'duplicate';
    }
    if (reply.status === -1) {
      throw new LockTurnSkippedError(`${operation}: ticket ${reply.ticket} of "${q.name}" was skipped after the ${this.#options.leaseMs} ms lease`);
    }
    return { ticket: reply.ticket, holder, state: reply.state, since: performance.now() };
  }

  /** The lease of a hold, as lock holders see it. */
  lease(hold: Hold): Lease {
    const leaseMs = this.#options.leaseMs;
    return {
      get lapsed() {
        return performance.now() - hold.since >= leaseMs;
      },
    };
  }

  /**
   * Applies `write` (`[op, value, ttlSeconds]`, op 'save' | 'delete' | 'keep' | 'abort') and
   * creates `records` while the hold lasts, and hands the queue to the next ticket: all in one
   * step. `patient` (a turn's write-back): waits for the outcome until the lease has run out (see
   * the class comment). Otherwise (a plain release, an abort: nothing whose outcome matters) it
   * waits the command timeout, then leaves the release queued behind the connection and reports
   * 'lapsed'. Never throws for a connection problem; throws for an error reply of Redis itself
   * (then nothing was applied).
   */
  async commit(q: QueueKeys, hold: Hold, write: string[] = ['keep'], records: RecordText[] = [], patient = true): Promise<CommitOutcome> {
    if (records.length > 0 && !q.claim) throw new Error('TicketQueue.commit(): records ride only with a claim and a state key');
    const keys = q.claim ? [q.ticket, q.serving, q.state!, q.claim.key, ...records.map((r) => r.key)] : q.state ? [q.ticket, q.serving, q.state] : [q.ticket, q.serving];
    const args = [String(hold.ticket), String(this.#options.keyTtlMs), hold.holder, String(this.#options.leaseMs), write[0] ?? 'keep', write[1] ?? '', write[2] ?? '', ...records.flatMap((r) => [r.json, String(r.ttlSeconds)])];
    const fence = patient ? hold.since + this.#options.leaseMs + FENCE_MARGIN_MS : 0;
    let outcome: CommitOutcome | undefined;
    let logged = false;
    while (outcome === undefined) {
      let reply: unknown;
      try {
        reply = await RELEASE.run(this.#client, keys, args, Math.max(fence - performance.now(), commandTimeoutOf(this.#client)));
      } catch (err) {
        if (err instanceof ErrorReply) throw err;
        if (!patient) {
          // Hands the turn on whenever Redis gets to it (a repeat of a release that ran is harmless).
          RELEASE.send(this.#client, keys, args).catch(() => undefined);
          this.#options.logger.warn({ err, key: q.name, ticket: hold.ticket }, 'RedisConversationLock: release unanswered; left queued to hand the turn on');
          outcome = 'lapsed';
          logged = true;
          break;
        }
        if (performance.now() >= fence || !this.#client.isOpen) {
          // Past the lease the script applies nothing; queued, it still hands the turn on at once.
          if (this.#client.isOpen) RELEASE.send(this.#client, keys, args).catch(() => undefined);
          this.#options.logger.error({ err, key: q.name, ticket: hold.ticket }, 'RedisConversationLock: no answer to the release within the lease; it can no longer apply');
          outcome = 'lapsed';
          logged = true;
          break;
        }
        // The connection dropped with the release in flight: it may have run or not; sending it
        // again is safe (a repeat of an applied commit answers 'committed').
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      outcome = parseCommit(reply);
    }
    this.#wakeNext(q.name, hold.ticket);
    if (outcome === 'lapsed' && !logged) {
      this.#options.logger.warn({ key: q.name, ticket: hold.ticket, leaseMs: this.#options.leaseMs, droppedWrite: write[0] ?? 'keep', records: records.length }, 'RedisConversationLock: lease lapsed before release; nothing of the turn was written');
    } else if (outcome === 'exists') {
      this.#options.logger.error({ key: q.name, records: records.map((r) => r.key) }, 'RedisConversationStore: a record the turn would create exists already; nothing was written');
    }
    return outcome;
  }

  /** Sends an abandon behind the given-up acquire; never throws (the lease is the fallback). */
  #abandon(q: QueueKeys, holder: string): void {
    const keys = q.claim ? [q.ticket, q.serving, q.claim.key] : [q.ticket, q.serving];
    ABANDON.send(this.#client, keys, [holder, String(this.#options.keyTtlMs)]).then(
      (had) => {
        if (had === 1) this.#options.logger.info({ key: q.name }, 'RedisConversationLock: a turn given up on was handed on');
      },
      (err: unknown) => this.#options.logger.warn({ err, key: q.name }, 'RedisConversationLock: could not hand on a turn given up on; its lease will'),
    );
  }

  /** The next ticket may be waiting in this process: let it poll now instead of after its pause. */
  #wakeNext(name: string, ticket: number): void {
    this.#waiters.get(name)?.get(ticket + 1)?.();
  }

  /** Sleeps `ms`, or less when the local release of ticket − 1 wakes us. */
  #sleep(name: string, ticket: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(name);
      if (waiters === undefined) this.#waiters.set(name, (waiters = new Map()));
      const byTicket = waiters;
      const wake = (): void => {
        clearTimeout(timer);
        byTicket.delete(ticket);
        if (byTicket.size === 0 && this.#waiters.get(name) === byTicket) this.#waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      byTicket.set(ticket, wake);
    });
  }
}

interface AcquireReply {
  status: number;
  ticket: number;
  state: string | null;
}

function parseAcquire(reply: unknown): AcquireReply {
  const numbers = Array.isArray(reply) && typeof reply[0] === 'number' && typeof reply[1] === 'number' && typeof reply[2] === 'number';
  if (!numbers || reply.length > 4 || !(reply[3] === undefined || reply[3] === null || typeof reply[3] === 'string')) {
    throw new Error(`RedisConversationLock: unexpected script reply ${JSON.stringify(reply)}`);
  }
  return { status: reply[0] as number, ticket: reply[1] as number, state: (reply[3] as string | null | undefined) ?? null };
}

const OUTCOMES = new Set<string>(['committed', 'aborted', 'lapsed', 'exists', 'gone']);

function parseCommit(reply: unknown): CommitOutcome {
  if (typeof reply !== 'string' || !OUTCOMES.has(reply)) throw new Error(`RedisConversationLock: unexpected release reply ${JSON.stringify(reply)}`);
  return reply as CommitOutcome;
}
