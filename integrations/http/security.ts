import { isIP } from 'node:net';
import type { Context, Middleware } from 'koa';
import { HttpError } from './errors';

/**
 * Headers every response carries, whatever answers it (pages, JSON, probes, the webhook, errors).
 * Pages override the Content-Security-Policy with their own; everything else may load nothing.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** The outermost middleware: sets the security headers before anything can answer. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    await next();
  };
}

/** The host name of a Host header ("[::1]:3000" → "::1"), lower-cased; undefined when malformed. */
function hostName(header: string): string | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  const name = match?.[1] ?? match?.[2];
  return name ? name.toLowerCase().replace(/\.$/, '') : undefined;
}

/**
 * Whether pages may answer a request for `header`: IP addresses and localhost always (a rebound
 * DNS name never arrives as an IP literal), other names only when listed in `allowed`
 * (".example.gov.cn" for its subdomains too, "*" for any).
 */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  const name = header ? hostName(header) : undefined;
  if (!name) return false;
  if (isIP(name) !== 0 || name === 'localhost') return true;
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e === '*' || e === name || (e.startsWith('.') && (name.endsWith(e) || name === e.slice(1)));
  });
}

/** Refuses requests for a host name the pages do not serve (DNS rebinding, forged Host headers). */
export function requireAllowedHost(allowed: readonly string[]): Middleware {
  return async (ctx, next) => {
    if (!hostAllowed(ctx.get('Host'), allowed)) throw new HttpError(400, 'bad_host', 'this host name is not served here');
    await next();
  };
}

/**
 * The origin to build absolute links with, from a checked Host header: the one way pages build
 * links, so a forged Host never ends up in one.
 */
export function publicOrigin(ctx: Context, allowed: readonly string[]): string {
  if (!hostAllowed(ctx.get('Host'), allowed)) throw new HttpError(400, 'bad_host', 'this host name is not served here');
  return `${ctx.protocol}://${ctx.host}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests a browser sent from another site (CSRF): when an Origin header
 * is present it must be this host. Requests without one (curl, scripts) carry no ambient cookies
 * of a victim, so they pass.
 */
export function sameOriginWrites(): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (!SAFE_METHODS.has(ctx.method) && origin !== '') {
      let same = false;
      try {
        same = new URL(origin).host === ctx.host;
      } catch {
        same = false;
      }
      if (!same) throw new HttpError(403, 'cross_origin', 'requests from other sites are refused');
    }
    await next();
  };
}
