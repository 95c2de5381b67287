import { createHash } from 'node:crypto';
import type { Clock, Deduper } from '../../../bot/ports';

/** What one signed timestamp + nonce pair has carried so far. */
export type PairUse = 'first' | 'same-body' | 'other-body';

/**
 * One message per signed URL. The plain-mode signature covers only token, timestamp and nonce,
 * so a URL copied from an access log would otherwise carry any body for the whole timestamp
 * window. A pair is good for one body: the same body again is the platform's retry, another
 * body is refused. Both claims are kept until the timestamp leaves the window, in the shared
 * `Deduper` (Redis across instances), and sent together (one round trip on Redis).
 */
export interface ReplayGuard {
  use(timestamp: string, nonce: string, body: string): Promise<PairUse>;
}

export function createReplayGuard(deps: { deduper: Deduper; clock: Clock; windowS: number }): ReplayGuard {
  const { deduper, clock, windowS } = deps;
  return {
    async use(timestamp, nonce, body) {
      // The request is refused once |now − timestamp| > window, so the claims need to live only until then.
      const ttl = Math.max(1, Math.ceil(Number(timestamp) + windowS - clock.now() / 1000) + 1);
      const pair = `wechat-mp:pair:${timestamp}:${nonce}`;
      const digest = createHash('sha256').update(body).digest('base64url');
      const [bodyIsNew, pairIsNew] = await Promise.all([deduper.claim(`${pair}:${digest}`, ttl), deduper.claim(pair, ttl)]);
      if (!bodyIsNew) return 'same-body';
      // A new body on a pair another body already claimed; two new bodies at once: one wins the pair.
      return pairIsNew ? 'first' : 'other-body';
    },
  };
}
