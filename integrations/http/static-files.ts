import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Middleware } from 'koa';

/** The only file types served; anything else is a 404 even if it exists. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Resolves a URL path inside `root`, or undefined when it is malformed or escapes `root`. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // Dotfiles and `..` segments are refused outright rather than normalised away.
  if (decoded.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const full = resolve(join(root, relative));
  return full.startsWith(root + sep) ? full : undefined;
}

/**
 * Serves the files of one folder for GET/HEAD, with fixed content types, `nosniff` and no
 * directory listing. Paths it cannot or may not serve fall through to the next middleware,
 * except traversal attempts, which are answered 404 at once.
 */
export function staticFiles(rootDir: string, options: { csp?: string } = {}): Middleware {
  const root = resolve(rootDir);
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const full = resolveInside(root, ctx.path);
    if (!full) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'not found';
      return;
    }
    const type = CONTENT_TYPES[extname(full).toLowerCase()];
    const info = type ? await stat(full).catch(() => undefined) : undefined;
    if (!type || !info?.isFile()) return next();
    ctx.type = type;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-cache');
    if (options.csp && type.startsWith('text/html')) ctx.set('Content-Security-Policy', options.csp);
    ctx.body = await readFile(full);
  };
}
