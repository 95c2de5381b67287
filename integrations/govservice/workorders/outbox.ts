import { hostname } from 'node:os';
import type { Logger } from '../../../bot/logger';
import type { Clock } from '../../../bot/ports';
import { call, type RedisClient } from '../../redis/client';
import type { MemoryWorkOrderStore } from './memory-store';
import type { WorkOrder } from './port';
import type { WorkOrderService } from './service';
import type { OutboxEntry, WorkOrderStore } from './store';

/** Delivery bookkeeping of one outbox entry. */
export interface OutboxTries {
  attempts: number;
  nextAt: number;
  lastError?: string;
}

/** The outbox as the relay reads it: entries handed to one consumer until acknowledged. */
export interface OutboxQueue {
  /** Entries for `consumer`: its own unacknowledged ones, those a dead relay held, and new ones. */
  take(consumer: string, count: number): Promise<OutboxEntry[]>;
  ack(entry: OutboxEntry): Promise<void>;
  tries(entry: OutboxEntry): Promise<OutboxTries | undefined>;
  retryLater(entry: OutboxEntry, tries: OutboxTries): Promise<void>;
  /** Entries not yet acknowledged (for operators), oldest first. */
  pending(limit: number): Promise<{ entry: OutboxEntry; tries?: OutboxTries }[]>;
}

/** The city platform as the relay needs it: accepts an order's state (2xx, or 409 when it has that state or a newer one). */
export interface WorkOrderPlatform {
  push(order: WorkOrder): Promise<void>;
}

/** The order's sequence number for the platform: one per lifecycle change (its history's length). */
export const platformSeqOf = (o: WorkOrder): number => o.history.length;

const GROUP = 'relay';

function entryOf(id: string, f: Record<string, string>): OutboxEntry {
  return { id, reference: f.ref ?? '', version: Number(f.v ?? 0), event: f.event === 'filed' ? 'filed' : 'updated', at: Number(f.at ?? 0) };
}

/**
 * The outbox stream read with a consumer group: an entry stays pending for its consumer until
 * acknowledged; a relay that died leaves its entries to be claimed (`XAUTOCLAIM`) by another
 * after `claimIdleMs`. Delivery attempts are kept in a hash beside the stream.
 */
export class RedisOutboxQueue implements OutboxQueue {
  #group: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: { stream: string; tries: string },
    private readonly claimIdleMs = 60_000,
  ) {}

  #ensureGroup(): Promise<void> {
    this.#group ??= call(this.client, 'WorkOrders.outboxGroup', (c) => c.xGroupCreate(this.keys.stream, GROUP, '0', { MKSTREAM: true })).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof Error && err.message.includes('BUSYGROUP')) return;
        this.#group = undefined;
        throw err;
      },
    );
    return this.#group;
  }

  async take(consumer: string, count: number): Promise<OutboxEntry[]> {
    await this.#ensureGroup();
    const { stream } = this.keys;
    await call(this.client, 'WorkOrders.outboxClaim', (c) => c.xAutoClaim(stream, GROUP, consumer, this.claimIdleMs, '0-0', { COUNT: count }));
    const read = async (id: string) => {
      const reply = await call(this.client, 'WorkOrders.outboxRead', (c) => c.xReadGroup(GROUP, consumer, { key: stream, id }, { COUNT: count }));
      const streams = (reply ?? []) as { messages: ({ id: string; message: Record<string, string> } | null)[] }[];
      return streams.flatMap((s) => s.messages.flatMap((m) => (m ? [entryOf(m.id, m.message)] : [])));
    };
    const mine = await read('0');
    const fresh = await read('>');
    return [...mine, ...fresh];
  }

  async ack(entry: OutboxEntry): Promise<void> {
    await call(this.client, 'WorkOrders.outboxAck', (c) => c.multi().xAck(this.keys.stream, GROUP, entry.id).xDel(this.keys.stream, entry.id).hDel(this.keys.tries, entry.id).exec());
  }

  async tries(entry: OutboxEntry): Promise<OutboxTries | undefined> {
    const raw = await call(this.client, 'WorkOrders.outboxTries', (c) => c.hGet(this.keys.tries, entry.id));
    return raw ? (JSON.parse(raw) as OutboxTries) : undefined;
  }

  async retryLater(entry: OutboxEntry, tries: OutboxTries): Promise<void> {
    await call(this.client, 'WorkOrders.outboxRetry', (c) => c.hSet(this.keys.tries, entry.id, JSON.stringify(tries)));
  }

  async pending(limit: number): Promise<{ entry: OutboxEntry; tries?: OutboxTries }[]> {
    const entries = await call(this.client, 'WorkOrders.outboxRange', (c) => c.xRange(this.keys.stream, '-', '+', { COUNT: limit }));
    const out: { entry: OutboxEntry; tries?: OutboxTries }[] = [];
    for (const m of entries ?? []) {
      const entry = entryOf(m.id, m.message);
      const tries = await this.tries(entry);
      out.push({ entry, ...(tries ? { tries } : {}) });
    }
    return out;
  }
}

/** The outbox of the memory store (one process: no other relay to claim from). */
export class MemoryOutboxQueue implements OutboxQueue {
  readonly #tries = new Map<string, OutboxTries>();

  constructor(private readonly store: MemoryWorkOrderStore) {}

  async take(_consumer: string, count: number): Promise<OutboxEntry[]> {
    return this.store.outbox.slice(0, count);
  }

  async ack(entry: OutboxEntry): Promise<void> {
    const i = this.store.outbox.findIndex((e) => e.id === entry.id);
    if (i >= 0) this.store.outbox.splice(i, 1);
    this.#tries.delete(entry.id);
  }

  async tries(entry: OutboxEntry): Promise<OutboxTries | undefined> {
    return this.#tries.get(entry.id);
  }

  async retryLater(entry: OutboxEntry, tries: OutboxTries): Promise<void> {
    this.#tries.set(entry.id, tries);
  }

  async pending(limit: number): Promise<{ entry: OutboxEntry; tries?: OutboxTries }[]> {
    return this.store.outbox.slice(0, limit).map((entry) => {
      const tries = this.#tries.get(entry.id);
      return { entry, ...(tries ? { tries } : {}) };
    });
  }
}

export interface OutboxRelayOptions {
  queue: OutboxQueue;
  store: WorkOrderStore;
  service: WorkOrderService;
  platform: WorkOrderPlatform;
  clock: Clock;
  logger: Logger;
  /** Attempts after which the order shows 同步失败 (it is still retried, at the longest backoff). */
  failAfter?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** This relay's name in the consumer group (default: host and process id). */
  consumer?: string;
  /** How often the loop looks for entries (start()). */
  pollMs?: number;
}

/**
 * Delivers the outbox to the city platform: each entry sends the order's current state with an
 * idempotency key (reference + sequence), is acknowledged only after the platform accepted it
 * (2xx, or 409: it has that state or a newer one), and is retried with exponential backoff
 * otherwise. The order's `sync` shows 已同步 once its latest change is accepted, 同步失败 after
 * `failAfter` attempts.
 */
export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, 'consumer'>> & { consumer: string };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: OutboxRelayOptions) {
    this.#o = { failAfter: 5, backoffMs: 1_000, maxBackoffMs: 10 * 60_000, pollMs: 1_000, consumer: `${hostname()}-${process.pid}`, ...options };
  }

  #backoff(attempts: number): number {
    return Math.min(this.#o.backoffMs * 2 ** (attempts - 1), this.#o.maxBackoffMs);
  }

  /** One pass over what is due; returns how many entries the platform accepted and how many failed. */
  runOnce(): Promise<{ sent: number; failed: number }> {
    const run = this.#running.then(() => this.#pass());
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #pass(): Promise<{ sent: number; failed: number }> {
    const { queue, store, service, platform, clock, logger } = this.#o;
    let sent = 0;
    let failed = 0;
    const now = clock.now();
    for (const entry of await queue.take(this.#o.consumer, 50)) {
      const tries = await queue.tries(entry);
      if (tries && tries.nextAt > now) continue;
      const stored = await store.get(entry.reference);
      if (!stored) {
        await queue.ack(entry); // expired after its retention: nothing left to send
        continue;
      }
      const seq = platformSeqOf(stored.order);
      try {
        await platform.push(stored.order);
      } catch (err) {
        failed++;
        const attempts = (tries?.attempts ?? 0) + 1;
        const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 300);
        await queue.retryLater(entry, { attempts, nextAt: now + this.#backoff(attempts), lastError });
        const state = attempts >= this.#o.failAfter ? '同步失败' : '待同步';
        await service.update(entry.reference, now, (o) => ({ ...o, sync: { ...o.sync, state, attempts, lastError, at: now } }), true);
        logger.warn({ workOrder: entry.reference, attempts, err: lastError }, 'work order not accepted by the city platform, will retry');
        continue;
      }
      await queue.ack(entry);
      sent++;
      await service.update(entry.reference, now, (o) => (platformSeqOf(o) === seq && o.sync.state !== '已同步' ? { ...o, sync: { ...(o.sync.platformSeq !== undefined ? { platformSeq: o.sync.platformSeq } : {}), state: '已同步', attempts: 0, at: now } } : o), true);
    }
    return { sent, failed };
  }

  /** Runs passes every `pollMs` until stop(). */
  start(): void {
    this.#stopped = false;
    const loop = () => {
      if (this.#stopped) return;
      this.runOnce()
        .catch((err: unknown) => this.#o.logger.warn({ err }, 'work-order outbox relay pass failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(loop, this.#o.pollMs).unref();
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
