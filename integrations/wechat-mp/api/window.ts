import { z } from 'zod';
import type { Clock, ConversationLock, SessionStore } from '../../../bot/ports';

/**
 * What opened a customer-service window (rules since 2023-06-12, [verify] on the official page):
 * a resident's message allows 5 messages within 48 h; a menu click, follow or QR scan allows 3
 * within 1 minute and does not grant the 48 h quota.
 */
export type InboundTrigger = 'message' | 'menu' | 'subscribe' | 'scan';

export interface WindowRules {
  messageQuota: number;
  messageWindowMs: number;
  eventQuota: number;
  eventWindowMs: number;
}

export const DEFAULT_WINDOW_RULES: WindowRules = {
  messageQuota: 5,
  messageWindowMs: 48 * 3600_000,
  eventQuota: 3,
  eventWindowMs: 60_000,
};

const GrantSchema = z.object({ source: z.enum(['message', 'event']), until: z.number(), remaining: z.number().int().min(0) });
const WindowStateSchema = z.object({ grants: z.array(GrantSchema) });
type Grant = z.infer<typeof GrantSchema>;
type WindowState = z.infer<typeof WindowStateSchema>;

/** A reserved send; give it back with `refund` when the platform did not take the message. */
export interface Reservation {
  source: Grant['source'];
  until: number;
}

/**
 * Per-resident customer-service window and quota, kept in the shared store under
 * `wx:cs:<openid>` (TTL = the window) and changed only under the lock of the same key.
 */
export class CustomerServiceWindow {
  readonly #store: SessionStore;
  readonly #lock: ConversationLock;
  readonly #clock: Clock;
  readonly #rules: WindowRules;

  constructor(options: { store: SessionStore; lock: ConversationLock; clock: Clock; rules?: WindowRules }) {
    this.#store = options.store;
    this.#lock = options.lock;
    this.#clock = options.clock;
    this.#rules = options.rules ?? DEFAULT_WINDOW_RULES;
  }

  /** Records that the resident wrote (or clicked, followed, scanned) at `at` (epoch ms). */
  async noteInbound(openid: string, at: number, trigger: InboundTrigger = 'message'): Promise<void> {
    await this.#update(openid, (state) => {
      if (trigger === 'message') {
        // A new message resets the 48 h allowance rather than adding to it (the conservative reading).
        const others = state.grants.filter((g) => g.source !== 'message');
        return { grants: [...others, { source: 'message', until: at + this.#rules.messageWindowMs, remaining: this.#rules.messageQuota }] };
      }
      return { grants: [...state.grants, { source: 'event', until: at + this.#rules.eventWindowMs, remaining: this.#rules.eventQuota }] };
    });
  }

  /** Takes one send from the quota; undefined when the window is closed or used up. */
  async reserve(openid: string): Promise<Reservation | undefined> {
    let taken: Reservation | undefined;
    await this.#update(openid, (state) => {
      // Spend the allowance that expires first.
      const grant = [...state.grants].filter((g) => g.remaining > 0).sort((a, b) => a.until - b.until)[0];
      if (!grant) return state;
      taken = { source: grant.source, until: grant.until };
      return { grants: state.grants.map((g) => (g === grant ? { ...g, remaining: g.remaining - 1 } : g)) };
    });
    return taken;
  }

  async refund(openid: string, reservation: Reservation): Promise<void> {
    await this.#update(openid, (state) => {
      const index = state.grants.findIndex((g) => g.source === reservation.source && g.until === reservation.until);
      if (index < 0) return state;
      return { grants: state.grants.map((g, i) => (i === index ? { ...g, remaining: g.remaining + 1 } : g)) };
    });
  }

  /** The platform said 45015 (outside the window or unfollowed): forget every allowance. */
  async close(openid: string): Promise<void> {
    await this.#update(openid, () => ({ grants: [] }));
  }

  /** The platform said 45047 (quota used up): keep the windows but with nothing left to send. */
  async exhaust(openid: string): Promise<void> {
    await this.#update(openid, (state) => ({ grants: state.grants.map((g) => ({ ...g, remaining: 0 })) }));
  }

  /** Sends left right now (for tests and the operator view). */
  async remaining(openid: string): Promise<number> {
    const state = await this.#read(openid);
    return state.grants.reduce((sum, g) => sum + g.remaining, 0);
  }

  /** Sends left and until when the last allowance with sends left holds (the agent console shows it). */
  async status(openid: string): Promise<{ remaining: number; until?: number }> {
    const live = (await this.#read(openid)).grants.filter((g) => g.remaining > 0);
    const remaining = live.reduce((sum, g) => sum + g.remaining, 0);
    return remaining > 0 ? { remaining, until: Math.max(...live.map((g) => g.until)) } : { remaining: 0 };
  }

  async #read(openid: string): Promise<WindowState> {
    const parsed = WindowStateSchema.safeParse(await this.#store.get(`wx:cs:${openid}`));
    const now = this.#clock.now();
    return { grants: parsed.success ? parsed.data.grants.filter((g) => g.until > now) : [] };
  }

  async #update(openid: string, change: (state: WindowState) => WindowState): Promise<void> {
    const key = `wx:cs:${openid}`;
    await this.#lock.run(key, async () => {
      const next = change(await this.#read(openid));
      const now = this.#clock.now();
      const live = next.grants.filter((g) => g.until > now);
      if (live.length === 0) {
        await this.#store.delete(key);
        return;
      }
      const ttlSeconds = Math.max(1, Math.ceil((Math.max(...live.map((g) => g.until)) - now) / 1000));
      await this.#store.set(key, { grants: live }, ttlSeconds);
    });
  }
}
