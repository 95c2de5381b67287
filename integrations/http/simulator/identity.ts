import { randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { readSignedCookie, setSignedCookie } from '../cookies';
import { HttpError } from '../errors';
import { SimUserIdSchema } from './web-delivery';

/**
 * Who a simulator page is: a user id the server issues in a signed HttpOnly cookie. A page can
 * neither pick nor read another user's id, so nobody can read someone's replies, listen to their
 * stream or erase their conversation by knowing (or guessing) the id.
 */
export const SIM_COOKIE = 'banshi_sim';
const COOKIE_PATH = '/api/sim';
/** A demo identity lasts a month of visits, like the page's memory of having followed. */
const COOKIE_MAX_AGE_MS = 30 * 24 * 3_600_000;

export interface SimState {
  simUser: string;
}

/** A fresh user id: 72 random bits, so ids are never reused. */
export function newSimUserId(): string {
  return `u-${randomBytes(9).toString('base64url')}`;
}

/** Gives the request a fresh identity and sends its cookie. */
export function issueSimUser(ctx: Context): string {
  const userId = newSimUserId();
  setSignedCookie(ctx, SIM_COOKIE, userId, { path: COOKIE_PATH, maxAgeMs: COOKIE_MAX_AGE_MS });
  (ctx.state as SimState).simUser = userId;
  return userId;
}

/** Sets `ctx.state.simUser` from the signed cookie, issuing a new identity when there is none. */
export function simulatorIdentity(): Middleware {
  return async (ctx, next) => {
    const cookie = readSignedCookie(ctx, SIM_COOKIE);
    const valid = cookie !== undefined && SimUserIdSchema.safeParse(cookie).success;
    if (valid) (ctx.state as SimState).simUser = cookie;
    else issueSimUser(ctx);
    await next();
  };
}

/** The request's own user id; a different id named in the request is refused with 403. */
export function ownSimUser(ctx: Context, claimed: string | undefined): string {
  const own = (ctx.state as SimState).simUser;
  if (claimed !== undefined && claimed !== own) {
    throw new HttpError(403, 'not_your_user', 'this page may only act as its own simulator user');
  }
  return own;
}
