import { z } from 'zod';
import type { Clock, ConversationLock, SessionStore } from '../../../bot/ports';
import { postJson, type HttpOptions } from './http';

export const StableTokenResponseSchema = z.object({
  access_token: z.string().min(1).max(2048),
  expires_in: z.number().int().positive(),
});

const CachedTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.number() });
type CachedToken = z.infer<typeof CachedTokenSchema>;

export interface TokenProviderOptions {
  appid: string;
  secret: string;
  http: HttpOptions;
  /** Shared across instances (Redis in production) so every instance uses the same token. */
  store: SessionStore;
  /** Only one instance refreshes at a time; the others re-read the cache after the lock. */
  lock: ConversationLock;
  clock: Clock;
  /** Refresh when less than this is left (default 300 s: stable_token renews 5 min before expiry). */
  refreshMarginSeconds?: number;
}

/** Where an access_token comes from; `invalidate` drops a token the platform rejected. */
export interface AccessTokenSource {
  get(): Promise<string>;
  invalidate(rejected: string): Promise<void>;
}

/**
 * access_token through `POST /cgi-bin/stable_token` (normal mode, `force_refresh: false` always:
 * forcing invalidates the old token and is limited to 20 a day), cached in the shared store
 * under `wx:token:<appid>` and refreshed early by one instance at a time.
 */
export class StableTokenProvider implements AccessTokenSource {
  readonly #o: TokenProviderOptions;
  readonly #key: string;

  constructor(options: TokenProviderOptions) {
    this.#o = options;
    this.#key = `wx:token:${options.appid}`;
  }

  async get(): Promise<string> {
    const cached = await this.#read();
    if (cached && this.#fresh(cached)) return cached.token;
    return this.#o.lock.run(this.#key, async () => {
      // Another instance may have refreshed while we waited for the lock.
      const again = await this.#read();
      if (again && this.#fresh(again)) return again.token;
      return this.#fetch();
    });
  }

  async invalidate(rejected: string): Promise<void> {
    await this.#o.lock.run(this.#key, async () => {
      // Only drop the token the platform rejected, never a newer one another instance stored.
      const cached = await this.#read();
      if (cached?.token === rejected) await this.#o.store.delete(this.#key);
    });
  }

  #fresh(cached: CachedToken): boolean {
    return cached.expiresAt - this.#o.clock.now() >= (this.#o.refreshMarginSeconds ?? 300) * 1000;
  }

  async #read(): Promise<CachedToken | undefined> {
    const parsed = CachedTokenSchema.safeParse(await this.#o.store.get(this.#key));
    return parsed.success ? parsed.data : undefined;
  }

  async #fetch(): Promise<string> {
    const body = { grant_type: 'client_credential', appid: this.#o.appid, secret: this.#o.secret, force_refresh: false };
    const answer = await postJson(this.#o.http, 'stable_token', 'cgi-bin/stable_token', {}, body, StableTokenResponseSchema);
    const cached: CachedToken = { token: answer.access_token, expiresAt: this.#o.clock.now() + answer.expires_in * 1000 };
    await this.#o.store.set(this.#key, cached, answer.expires_in);
    return cached.token;
  }
}
