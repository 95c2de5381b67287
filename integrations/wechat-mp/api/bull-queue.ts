import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import type { HealthCheck } from '../../../bot/ports';
import {
  DEFAULT_RETRY,
  OutboundJobSchema,
  isRetryable,
  logFinalFailure,
  maskOpenid,
  type FailedJob,
  type OutboundJob,
  type OutboundProcessor,
  type OutboundQueue,
  type RetryPolicy,
} from './queue';

/** What the queue needs of a node-redis client (any modules/RESP settings will do). */
export interface QueueRedisClient {
  duplicate(): QueueRedisClient;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  readonly isReady: boolean;
  on(event: 'error' | 'ready', listener: (err?: unknown) => void): unknown;
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { EX: number }): Promise<unknown>;
}
type RedisClient = QueueRedisClient;

/** Failed batches stay visible to operators for 30 days (at most 10,000), then go. */
export const FAILED_RETENTION_S = 30 * 86_400;
export const FAILED_KEPT = 10_000;

const BullDataSchema = z.object({ seq: z.number().int().positive(), job: OutboundJobSchema });
type BullData = z.infer<typeof BullDataSchema>;

export interface BullOutboundQueueOptions {
  /** A connected node-redis client; the queue duplicates it for BullMQ and its own counters. */
  redis: RedisClient;
  /** Deployment key prefix (`KEY_PREFIX`, e.g. `banshi:`). */
  keyPrefix: string;
  process: OutboundProcessor;
  logger: Logger;
  queueName?: string;
  retry?: Partial<RetryPolicy>;
  /** How long a batch waits before checking again whether the resident's previous batch is done. */
  orderCheckMs?: number;
  concurrency?: number;
}

// Sequence counters live a week; a batch never lives that long (8 tries take about 4 minutes).
const SEQ_TTL_SECONDS = 7 * 24 * 3600;

// After a failed fetch (a dropped connection) the worker tries again this soon (BullMQ's default is 15 s).
const RUN_RETRY_DELAY_MS = 1_000;

/**
 * Logs a connection's drops and recoveries. Without an 'error' listener a dropped connection
 * (CLIENT KILL, an idle timeout, a failover) would crash the process; node-redis reconnects on
 * its own with the backoff of the client it was duplicated from. One warning per outage, not per retry.
 */
function watch(connection: RedisClient, name: string, logger: Logger): RedisClient {
  let down = false;
  connection.on('error', (err) => {
    if (!down) logger.warn({ connection: name, err: String(err) }, 'wechat-mp outbound: redis connection lost; reconnecting');
    down = true;
  });
  connection.on('ready', () => {
    if (down) logger.info({ connection: name }, 'wechat-mp outbound: redis connection restored');
    down = false;
  });
  return connection;
}

/**
 * The Redis-backed queue (BullMQ). Residents' batches carry a per-resident sequence number
 * (`wx:outseq:<openid>:next|done`); a batch whose predecessor is not finished is put back as
 * delayed without spending a try, so retries with backoff never reorder one resident's messages.
 * Failed jobs are kept in Redis for operators; completed ones are trimmed to the last 1000.
 */
export class BullOutboundQueue implements OutboundQueue {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #redis: RedisClient;
  readonly #connections: RedisClient[];
  readonly #prefix: string;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;

  private constructor(options: BullOutboundQueueOptions, connections: RedisClient[]) {
    const [own, queueConn, workerConn] = connections as [RedisClient, RedisClient, RedisClient];
    this.#redis = own;
    this.#connections = connections;
    this.#prefix = options.keyPrefix;
    this.#logger = options.logger;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const name = options.queueName ?? 'wechat-outbound';
    const bullPrefix = `${options.keyPrefix}bull`;
    this.#queue = new Queue(name, {
      connection: queueConn,
      prefix: bullPrefix,
      defaultJobOptions: {
        attempts: this.#retry.attempts,
        backoff: { type: 'exponential', delay: this.#retry.backoffMs },
        // Bounded retention: jobs hold OpenIDs and message texts.
        removeOnComplete: { count: 1000, age: 24 * 3600 },
        removeOnFail: { count: FAILED_KEPT, age: FAILED_RETENTION_S },
      },
    });
    // Connection errors reach the queue too; they are logged by `watch` already.
    this.#queue.on('error', (err) => this.#logger.debug({ err: String(err) }, 'wechat-mp outbound: queue error'));
    const orderCheckMs = options.orderCheckMs ?? 1000;
    this.#worker = new Worker(name, (job, token) => this.#handle(job, token, options.process, orderCheckMs), {
      connection: workerConn,
      prefix: bullPrefix,
      concurrency: options.concurrency ?? 4,
      runRetryDelay: RUN_RETRY_DELAY_MS,
    });
    this.#worker.on('failed', (job, err) => {
      if (job) void this.#onFailed(job, err);
    });
    this.#worker.on('error', (err) => this.#logger.error({ err: String(err) }, 'wechat-mp outbound: queue worker error'));
  }

  static async start(options: BullOutboundQueueOptions): Promise<BullOutboundQueue> {
    const connections = ['counters', 'queue', 'worker'].map((name) => watch(options.redis.duplicate(), name, options.logger));
    await Promise.all(connections.map((c) => c.connect()));
    const queue = new BullOutboundQueue(options, connections);
    await queue.#worker.waitUntilReady();
    return queue;
  }

  async enqueue(job: OutboundJob): Promise<void> {
    const data = OutboundJobSchema.parse(job);
    const next = this.#seqKey(data.openid, 'next');
    const seq = await this.#redis.incr(next);
    await this.#redis.expire(next, SEQ_TTL_SECONDS);
    // A fresh counter (first batch, or the old one expired) starts a fresh "done" mark too.
    if (seq === 1) await this.#redis.set(this.#seqKey(data.openid, 'done'), '0', { EX: SEQ_TTL_SECONDS });
    await this.#queue.add('send', { seq, job: data } satisfies BullData);
  }

  async failedJobs(): Promise<FailedJob[]> {
    const jobs = await this.#queue.getFailed(0, 999);
    return jobs.flatMap((job) => {
      const parsed = BullDataSchema.safeParse(job.data);
      if (!parsed.success) return [];
      return [{ id: String(job.id), resident: maskOpenid(parsed.data.job.openid), reason: job.failedReason, attempts: job.attemptsMade, job: parsed.data.job }];
    });
  }

  /** For /readyz: every connection of the queue is up and the worker is fetching jobs. */
  readonly health: HealthCheck = {
    name: 'wechat-outbound',
    check: async () => {
      const down = this.#connections.filter((c) => !c.isReady).length;
      if (down > 0) throw new Error(`wechat-outbound: ${down} of ${this.#connections.length} redis connections down`);
      if (!this.#worker.isRunning()) throw new Error('wechat-outbound: worker not running');
    },
  };

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    await Promise.all(this.#connections.map((c) => c.close()));
  }

  #seqKey(openid: string, which: 'next' | 'done'): string {
    return `${this.#prefix}wx:outseq:${openid}:${which}`;
  }

  async #done(openid: string): Promise<number> {
    const value = await this.#redis.get(this.#seqKey(openid, 'done'));
    return typeof value === 'string' ? Number(value) : 0;
  }

  async #markDone(openid: string, seq: number): Promise<void> {
    await this.#redis.set(this.#seqKey(openid, 'done'), String(seq), { EX: SEQ_TTL_SECONDS });
  }

  async #handle(job: Job, token: string | undefined, process: OutboundProcessor, orderCheckMs: number): Promise<void> {
    const data = BullDataSchema.parse(job.data);
    const done = await this.#done(data.job.openid);
    if (done >= data.seq) return; // delivered already (a stalled job run twice)
    if (done < data.seq - 1) {
      // An earlier batch of this resident is still pending or retrying: wait without spending a try.
      await job.moveToDelayed(Date.now() + orderCheckMs, token);
      throw new DelayedError();
    }
    let current = data;
    try {
      await process(current.job, {
        attempt: job.attemptsMade + 1,
        saveProgress: async (sent) => {
          current = { ...current, job: { ...current.job, sent } };
          await job.updateData(current);
        },
      });
    } catch (err) {
      if (!isRetryable(err)) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      throw err;
    }
    await this.#markDone(data.job.openid, data.seq);
  }

  async #onFailed(job: Job, err: Error): Promise<void> {
    const parsed = BullDataSchema.safeParse(job.data);
    if (!parsed.success) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= this.#retry.attempts;
    const { seq, job: data } = parsed.data;
    if (!final) {
      this.#logger.warn({ resident: maskOpenid(data.openid), jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'wechat-mp outbound: send failed, will retry');
      return;
    }
    logFinalFailure(this.#logger, { id: String(job.id), resident: maskOpenid(data.openid), reason: err.message, attempts: job.attemptsMade, job: data });
    // Let the resident's later batches go; this one stays in the failed list for operators.
    if ((await this.#done(data.openid)) === seq - 1) await this.#markDone(data.openid, seq);
  }
}
