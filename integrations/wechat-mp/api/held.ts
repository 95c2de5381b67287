import { z } from 'zod';
import type { Clock, ConversationLock, SessionStore } from '../../../bot/ports';
import type { Logger } from '../../../bot/logger';
import { CustomMessageSchema } from './bodies';
import { NotificationSchema } from './notification';
import { maskOpenid } from './queue';

const HeldJobSchema = z.object({ items: z.array(CustomMessageSchema).min(1), notification: NotificationSchema.optional(), heldAt: z.number() });
const HeldSchema = z.object({ jobs: z.array(HeldJobSchema) });
export type HeldJob = z.infer<typeof HeldJobSchema>;

// Kept for 30 days; a resident who does not write back within that time will not get them.
const HELD_TTL_SECONDS = 30 * 24 * 3600;
const MAX_HELD_JOBS = 100;

/**
 * Messages waiting for the resident's customer-service window to reopen, under `wx:held:<openid>`.
 * `take` hands them back (and forgets them) when the resident writes again.
 */
export class HeldMessages {
  readonly #store: SessionStore;
  readonly #lock: ConversationLock;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: { store: SessionStore; lock: ConversationLock; clock: Clock; logger: Logger }) {
    this.#store = options.store;
    this.#lock = options.lock;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  async hold(openid: string, job: Omit<HeldJob, 'heldAt'>): Promise<void> {
    const key = `wx:held:${openid}`;
    await this.#lock.run(key, async () => {
      const jobs = [...(await this.#read(key)), { ...job, heldAt: this.#clock.now() }];
      if (jobs.length > MAX_HELD_JOBS) {
        const dropped = jobs.splice(0, jobs.length - MAX_HELD_JOBS);
        this.#logger.error({ resident: maskOpenid(openid), dropped: dropped.length }, 'wechat-mp outbound: too many held messages, oldest DROPPED');
      }
      await this.#store.set(key, { jobs }, HELD_TTL_SECONDS);
    });
  }

  async take(openid: string): Promise<HeldJob[]> {
    const key = `wx:held:${openid}`;
    return this.#lock.run(key, async () => {
      const jobs = await this.#read(key);
      if (jobs.length > 0) await this.#store.delete(key);
      return jobs;
    });
  }

  async #read(key: string): Promise<HeldJob[]> {
    const parsed = HeldSchema.safeParse(await this.#store.get(key));
    return parsed.success ? parsed.data.jobs : [];
  }
}
