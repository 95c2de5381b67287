import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import { CustomMessageSchema } from './bodies';
import { WechatApiError } from './errors';
import { NotificationSchema } from './notification';

/**
 * One delivery batch for one resident: its customer-service messages in order, how many of them
 * already went out (so a retry never repeats them), and the notification they render, if any
 * (its template is the fallback when the 48 h window is closed).
 */
export const OutboundJobSchema = z.object({
  openid: z.string().min(1),
  items: z.array(CustomMessageSchema).min(1),
  notification: NotificationSchema.optional(),
  sent: z.number().int().min(0).default(0),
});
export type OutboundJob = z.infer<typeof OutboundJobSchema>;

export interface OutboundJobContext {
  /** 1 for the first try. */
  attempt: number;
  /** Persists how many items went out, before the next one is tried. */
  saveProgress(sent: number): Promise<void>;
}

/** Sends one batch; throws a `WechatApiError` (retryable or not) when it could not finish. */
export type OutboundProcessor = (job: OutboundJob, ctx: OutboundJobContext) => Promise<void>;

/** A batch that failed after its last try (or with an error retrying cannot fix). */
export interface FailedJob {
  id: string;
  /** Masked openid, safe for operator screens and logs. */
  resident: string;
  reason: string;
  attempts: number;
  job: OutboundJob;
}

/**
 * The outbound job queue. Batches of one resident are sent in the order they were enqueued,
 * retries included; failures after the last retry are logged loudly and kept for operators.
 */
export interface OutboundQueue {
  enqueue(job: OutboundJob): Promise<void>;
  failedJobs(): Promise<FailedJob[]>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  /** Tries in all (default 8). */
  attempts: number;
  /** First delay; doubles each try (default 1000 ms: 1 s, 2 s, 4 s … about 4 minutes in all). */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 1000 };

/** OpenIDs are pseudonymous but still personal: show only enough to match a support request. */
export function maskOpenid(openid: string): string {
  return openid.length <= 8 ? '***' : `${openid.slice(0, 4)}***${openid.slice(-4)}`;
}

export function isRetryable(err: unknown): boolean {
  // Unknown errors (a store hiccup, a bug) are retried; the last try still surfaces them.
  return err instanceof WechatApiError ? err.retryable : true;
}

export function logFinalFailure(logger: Logger, failed: FailedJob): void {
  logger.error(
    { resident: failed.resident, jobId: failed.id, attempts: failed.attempts, reason: failed.reason, items: failed.job.items.length },
    `wechat-mp outbound: delivery to ${failed.resident} FAILED after ${failed.attempts} attempt(s): ${failed.reason}`,
  );
}

/**
 * The embedded queue: in-process, one FIFO chain per resident, retries with exponential backoff.
 * Everything in it is LOST ON RESTART; use REDIS_URL (BullMQ) when that matters.
 */
export class MemoryOutboundQueue implements OutboundQueue {
  readonly #process: OutboundProcessor;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #failed: FailedJob[] = [];
  readonly #sleepers = new Set<() => void>();
  #nextId = 1;
  #closed = false;

  constructor(options: { process: OutboundProcessor; logger: Logger; retry?: Partial<RetryPolicy> }) {
    this.#process = options.process;
    this.#logger = options.logger;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async enqueue(job: OutboundJob): Promise<void> {
    if (this.#closed) throw new Error('MemoryOutboundQueue.enqueue(): queue is closed');
    const data = OutboundJobSchema.parse(job);
    const id = `mem-${this.#nextId++}`;
    const previous = this.#chains.get(data.openid) ?? Promise.resolve();
    const next = previous.then(() => this.#run(id, data));
    this.#chains.set(data.openid, next);
    void next.finally(() => {
      if (this.#chains.get(data.openid) === next) this.#chains.delete(data.openid);
    });
  }

  async failedJobs(): Promise<FailedJob[]> {
    return [...this.#failed];
  }

  /** Resolves once every batch enqueued so far has been delivered or failed for good. */
  async drained(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  /**
   * Stops taking batches and stops retrying; waits up to `graceMs` for sends in flight. Batches
   * still waiting for a retry are reported like failed ones (error log line): they are lost.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#sleepers]) wake();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.drained(), grace]);
    clearTimeout(timer);
  }

  async #run(id: string, job: OutboundJob): Promise<void> {
    let data = job;
    const fail = (reason: string, attempts: number): void => {
      const failed: FailedJob = { id, resident: maskOpenid(data.openid), reason, attempts, job: data };
      this.#failed.push(failed);
      if (this.#failed.length > 1000) this.#failed.shift();
      logFinalFailure(this.#logger, failed);
    };
    if (this.#closed) return fail('queue closed before it was sent', 0);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#process(data, {
          attempt,
          saveProgress: async (sent) => {
            data = { ...data, sent };
          },
        });
        return;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (!isRetryable(err) || attempt >= this.#retry.attempts) return fail(reason, attempt);
        this.#logger.warn({ resident: maskOpenid(data.openid), jobId: id, attempt, err: reason }, 'wechat-mp outbound: send failed, will retry');
        await this.#sleep(this.#retry.backoffMs * 2 ** (attempt - 1));
        if (this.#closed) return fail(`${reason} (queue closed before the next try)`, attempt);
      }
    }
  }

  /** A backoff pause that `close` cuts short. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}
