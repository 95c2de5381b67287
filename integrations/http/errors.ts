import type { Context, Middleware } from 'koa';
import type { Logger } from '../../bot/logger';

/**
 * An HTTP error whose message is safe to show the caller (bad body, unknown user …).
 * Anything else thrown inside a request becomes a generic 500.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Caller-facing text for the error statuses the app produces itself. */
const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  413: 'request body too large',
  415: 'unsupported media type',
  500: 'internal error',
};

interface Exposed {
  status: number;
  code: string;
  message: string;
}

/** Decides what the caller may see: our HttpError as is, http-errors' exposed 4xx by status, else 500. */
function expose(err: unknown): Exposed {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : NaN;
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return { status, code: `http_${status}`, message: STATUS_TEXT[status] ?? 'request refused' };
  }
  return { status: 500, code: 'internal_error', message: STATUS_TEXT[500] ?? 'internal error' };
}

/**
 * The outermost middleware: turns every thrown error into a response and logs it once.
 * `/api` callers get `{ error: { code, message } }`; others plain text. Stack traces and
 * internal messages never reach the response.
 */
export function errorBoundary(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing answered (no route, or the router's bare 405): say so in the caller's format.
      if (ctx.body == null && ctx.status >= 400) {
        const code = ctx.status === 404 ? 'not_found' : `http_${ctx.status}`;
        write(ctx, { status: ctx.status, code, message: STATUS_TEXT[ctx.status] ?? 'request refused' });
      }
    } catch (err) {
      const shown = expose(err);
      const fields = { method: ctx.method, path: ctx.path, status: shown.status };
      if (shown.status >= 500) logger.error({ ...fields, err }, 'http request failed');
      else logger.info({ ...fields, code: shown.code }, 'http request refused');
      // Headers may already be out (an SSE stream that broke): then there is nothing left to tell.
      if (ctx.headerSent || !ctx.writable) return;
      ctx.remove('Content-Disposition');
      write(ctx, shown);
    }
  };
}

function write(ctx: Context, shown: Exposed): void {
  ctx.status = shown.status;
  // The simulator's /api and the console's /console/api answer in JSON.
  if (ctx.path === '/api' || ctx.path.startsWith('/api/') || ctx.path.startsWith('/console/api/')) {
    ctx.body = { error: { code: shown.code, message: shown.message } };
  } else {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = shown.message;
  }
}
