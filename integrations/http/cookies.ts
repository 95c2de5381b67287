import type { Context } from 'koa';

/**
 * Cookies of the pages (the simulator's identity now, the console's login later): signed with the
 * app's keys (`app.keys`, from HTTP_COOKIE_KEYS), HttpOnly so page scripts never read them,
 * SameSite=Strict so other sites' requests do not carry them, Secure when the request came over TLS.
 */
export interface CookieOptions {
  /** The narrowest path that needs the cookie. */
  path: string;
  /** Lifetime; a session cookie (until the browser closes) when unset. */
  maxAgeMs?: number;
}

/** Sets a signed HttpOnly cookie. */
export function setSignedCookie(ctx: Context, name: string, value: string, options: CookieOptions): void {
  ctx.cookies.set(name, value, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: options.path,
    maxAge: options.maxAgeMs,
    overwrite: true,
  });
}

/** The value of a signed cookie, or undefined when it is missing or its signature does not verify. */
export function readSignedCookie(ctx: Context, name: string): string | undefined {
  return ctx.cookies.get(name, { signed: true }) || undefined;
}

/** Removes a cookie set by `setSignedCookie` with the same path. */
export function clearCookie(ctx: Context, name: string, path: string): void {
  ctx.cookies.set(name, null, { signed: true, httpOnly: true, sameSite: 'strict', path, overwrite: true });
}
