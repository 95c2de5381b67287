/**
 * Failures of the WeChat platform API, named by where they failed. `retryable` tells the
 * delivery queue whether trying again later can help (outage, busy, rate limit) or not
 * (bad openid, missing permission, invalid body).
 */
export class WechatApiError extends Error {
  override name = 'WechatApiError';
  readonly service = 'wechat-mp';

  constructor(
    readonly operation: string,
    message: string,
    readonly retryable: boolean,
    /** The platform's errcode; undefined for transport failures (timeout, 5xx, bad JSON). */
    readonly errcode?: number,
  ) {
    super(`wechat-mp ${operation}: ${message}`);
  }
}

/** errcodes meaning "this access_token is bad": drop the cached token and fetch once more. */
export const INVALID_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014]);

/** 45015: outside the 48 h customer-service window, or the resident unfollowed. */
export const ERR_WINDOW_CLOSED = 45015;
/** 43101: the resident has not accepted (or has turned off) this subscription notification. */
export const ERR_SUBSCRIPTION_REFUSED = 43101;
/** 45047: customer-service quota for this resident used up [verify: the notes give it as commonly reported]. */
export const ERR_QUOTA_EXCEEDED = 45047;

// -1 system busy, 45009 daily API limit, 45011 too frequent: a later try can succeed.
const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011]);

export function isRetryableErrcode(errcode: number): boolean {
  return RETRYABLE_ERRCODES.has(errcode) || INVALID_TOKEN_ERRCODES.has(errcode);
}
