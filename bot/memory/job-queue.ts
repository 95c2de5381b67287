import { systemClock } from '../clock';
import type { Logger } from '../logger';
import type { Clock, JobHandler, JobQueue, JobSpec } from '../ports';

interface Entry extends JobSpec {
  attempt: number;
  /** Set for recurring jobs: the interval. */
  everyMs?: number;
}

export interface MemoryJobQueueOptions {
  clock?: Clock;
  logger: Logger;
  /** Tries per job before it is given up (logged at error level). */
  attempts?: number;
  /** First retry delay; doubles each try. */
  backoffMs?: number;
}

/**
 * The embedded `JobQueue`: jobs in a map, run by one timer set for the earliest, on the given
 * clock. Everything in it is LOST ON RESTART (so are the embedded bookings it reminds of); use
 * REDIS_URL for jobs that must survive. `runDue()` runs what is due now: tests move a manual
 * clock and call it.
 */
export class MemoryJobQueue implements JobQueue {
  readonly #jobs = new Map<string, Entry>();
  readonly #handlers = new Map<string, JobHandler>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #attempts: number;
  readonly #backoffMs: number;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;
  #running: Promise<void> = Promise.resolve();

  constructor(options: MemoryJobQueueOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#attempts = options.attempts ?? 5;
    this.#backoffMs = options.backoffMs ?? 30_000;
  }

  async schedule(job: JobSpec): Promise<void> {
    if (this.#jobs.has(job.id)) return;
    this.#jobs.set(job.id, { ...job, data: { ...job.data }, attempt: 0 });
    this.#arm();
  }

  async cancel(id: string): Promise<void> {
    this.#jobs.delete(id);
    this.#arm();
  }

  async every(name: string, everyMs: number): Promise<void> {
    const id = `every.${name}`;
    this.#jobs.set(id, { id, name, runAt: this.#clock.now() + everyMs, data: {}, attempt: 0, everyMs });
    this.#arm();
  }

  handle(name: string, handler: JobHandler): void {
    this.#handlers.set(name, handler);
  }

  async start(): Promise<void> {
    this.#started = true;
    this.#arm();
  }

  /** Jobs waiting (for tests and the operator view). */
  pending(): JobSpec[] {
    return [...this.#jobs.values()].map(({ id, name, runAt, data }) => ({ id, name, runAt, data }));
  }

  /** Runs every job due at the clock's now, one after another; resolves when they are done. */
  runDue(): Promise<void> {
    this.#running = this.#running.then(() => this.#runDue());
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #runDue(): Promise<void> {
    const now = this.#clock.now();
    const due = [...this.#jobs.values()].filter((j) => j.runAt <= now).sort((a, b) => a.runAt - b.runAt);
    for (const job of due) {
      if (this.#closed) return;
      if (this.#jobs.get(job.id) !== job) continue; // cancelled meanwhile
      const handler = this.#handlers.get(job.name);
      if (!handler) {
        this.#logger.error({ job: job.id, name: job.name }, 'job without a handler dropped');
        this.#jobs.delete(job.id);
        continue;
      }
      job.attempt += 1;
      try {
        await handler(job.data, { id: job.id, attempt: job.attempt });
        if (job.everyMs) Object.assign(job, { runAt: now + job.everyMs, attempt: 0 });
        else this.#jobs.delete(job.id);
      } catch (err) {
        if (job.attempt >= this.#attempts && !job.everyMs) {
          this.#logger.error({ job: job.id, name: job.name, attempts: job.attempt, err }, 'job FAILED after its last try');
          this.#jobs.delete(job.id);
        } else {
          this.#logger.warn({ job: job.id, name: job.name, attempt: job.attempt, err }, 'job failed, will retry');
          job.runAt = now + (job.everyMs ?? this.#backoffMs * 2 ** (job.attempt - 1));
          if (job.everyMs) job.attempt = 0;
        }
      }
    }
    this.#arm();
  }

  /** One timer for the earliest job (unref'd: it never keeps the process alive). */
  #arm(): void {
    clearTimeout(this.#timer);
    if (!this.#started || this.#closed || this.#jobs.size === 0) return;
    const next = Math.min(...[...this.#jobs.values()].map((j) => j.runAt));
    const delay = Math.min(Math.max(0, next - this.#clock.now()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => void this.runDue(), delay);
    this.#timer.unref();
  }
}
