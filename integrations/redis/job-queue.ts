import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from '../../bot/logger';
import type { Clock, HealthCheck, JobHandler, JobQueue, JobSpec } from '../../bot/ports';
import type { RedisClient } from './client';

export interface BullJobQueueOptions {
  /** The connected client; the queue duplicates it for BullMQ's own connections. */
  redis: RedisClient;
  /** Deployment key prefix (`KEY_PREFIX`); BullMQ's keys go under `<prefix>bull:<queue>:`. */
  keyPrefix: string;
  logger: Logger;
  /** The service's clock: `runAt` is on it (BullMQ counts the delay in real time). */
  clock?: Clock;
  queueName?: string;
  /** Tries per job, and the first retry delay (doubling). */
  attempts?: number;
  backoffMs?: number;
  concurrency?: number;
}

// Done jobs are kept a week (their ids then stay taken: ids carry a version when a job is redone).
const KEEP_DONE = { age: 7 * 86_400, count: 5_000 };
const KEEP_FAILED = { age: 30 * 86_400, count: 10_000 };

/**
 * `JobQueue` on BullMQ 6 (Redis): a delayed job per `schedule` (`jobId` = the spec's id, so
 * scheduling twice adds one job), `remove` to cancel, Job Schedulers (`upsertJobScheduler`) for
 * recurring work. Jobs live in Redis: a restart, or another instance, runs them. Redis must run
 * with `maxmemory-policy noeviction`.
 */
export class BullJobQueue implements JobQueue {
  readonly #queue: Queue;
  readonly #connections: RedisClient[];
  readonly #handlers = new Map<string, JobHandler>();
  readonly #logger: Logger;
  readonly #options: BullJobQueueOptions;
  #worker: Worker | undefined;

  private constructor(options: BullJobQueueOptions, connections: RedisClient[]) {
    this.#options = options;
    this.#logger = options.logger;
    this.#connections = connections;
    this.#queue = new Queue(options.queueName ?? 'banshi-jobs', {
      connection: connections[0] as never,
      prefix: `${options.keyPrefix}bull`,
      defaultJobOptions: {
        attempts: options.attempts ?? 5,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 30_000 },
        removeOnComplete: KEEP_DONE,
        removeOnFail: KEEP_FAILED,
      },
    });
    this.#queue.on('error', (err) => this.#logger.debug({ err: String(err) }, 'jobs: queue error'));
  }

  static async create(options: BullJobQueueOptions): Promise<BullJobQueue> {
    const connections = ['jobs-queue', 'jobs-worker'].map((name) => watch(options.redis.duplicate(), name, options.logger));
    await Promise.all(connections.map((c) => c.connect()));
    return new BullJobQueue(options, connections);
  }

  async schedule(job: JobSpec): Promise<void> {
    const now = this.#options.clock?.now() ?? Date.now();
    await this.#queue.add(job.name, job.data, { jobId: job.id, delay: Math.max(0, job.runAt - now) });
  }

  async cancel(id: string): Promise<void> {
    // A job running right now is locked and stays; its handler re-reads what it acts on.
    await this.#queue.remove(id);
  }

  async every(name: string, everyMs: number): Promise<void> {
    await this.#queue.upsertJobScheduler(`every-${name}`, { every: everyMs }, { name, data: {} });
  }

  handle(name: string, handler: JobHandler): void {
    this.#handlers.set(name, handler);
  }

  async start(): Promise<void> {
    if (this.#worker) return;
    this.#worker = new Worker(this.#queue.name, (job) => this.#run(job), {
      connection: this.#connections[1] as never,
      prefix: `${this.#options.keyPrefix}bull`,
      concurrency: this.#options.concurrency ?? 4,
      runRetryDelay: 1_000,
    });
    this.#worker.on('failed', (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
      if (final) this.#logger.error({ job: job.id, name: job.name, attempts: job.attemptsMade, err: err.message }, 'job FAILED after its last try');
      else this.#logger.warn({ job: job.id, name: job.name, attempt: job.attemptsMade, err: err.message }, 'job failed, will retry');
    });
    this.#worker.on('error', (err) => this.#logger.error({ err: String(err) }, 'jobs: worker error'));
    await this.#worker.waitUntilReady();
  }

  /** For /readyz: the queue's connections are up and, once started, the worker runs. */
  readonly health: HealthCheck = {
    name: 'jobs',
    check: async () => {
      const down = this.#connections.filter((c) => !c.isReady).length;
      if (down > 0) throw new Error(`jobs: ${down} of ${this.#connections.length} redis connections down`);
      if (this.#worker && !this.#worker.isRunning()) throw new Error('jobs: worker not running');
    },
  };

  /** The job with this id, if still kept (waiting, delayed, done or failed): for tests and operators. */
  async state(id: string): Promise<string | undefined> {
    const job = await this.#queue.getJob(id);
    return job ? job.getState() : undefined;
  }

  /** How long after it was scheduled a kept job is (or was) due, ms. */
  async delayOf(id: string): Promise<number | undefined> {
    const job = await this.#queue.getJob(id);
    return job ? (job.opts.delay ?? 0) : undefined;
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
    await Promise.all(this.#connections.map((c) => c.close().catch(() => undefined)));
  }

  async #run(job: Job): Promise<void> {
    const handler = this.#handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    await handler((job.data ?? {}) as Record<string, unknown>, { id: String(job.id), attempt: job.attemptsMade + 1 });
  }
}

/** Logs a duplicated connection's drops once per outage (without a listener a drop would crash the process). */
function watch(connection: RedisClient, name: string, logger: Logger): RedisClient {
  let down = false;
  connection.on('error', (err: unknown) => {
    if (!down) logger.warn({ connection: name, err: String(err) }, 'jobs: redis connection lost; reconnecting');
    down = true;
  });
  connection.on('ready', () => {
    if (down) logger.info({ connection: name }, 'jobs: redis connection restored');
    down = false;
  });
  return connection;
}
