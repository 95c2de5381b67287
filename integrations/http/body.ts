import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { z } from 'zod';
import { HttpError } from './errors';

/** Default cap on JSON request bodies; simulator and console messages are a few hundred bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/** Formats zod issues as one line a developer can act on: `kind: Invalid option …; userId: Required`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/**
 * Reads the request body as JSON (at most `limitBytes`) and validates it with `schema`.
 * Throws HttpError 415 (not JSON), 413 (too large), 400 (malformed or invalid).
 */
export async function readJsonBody<S extends z.ZodType>(
  ctx: Context,
  schema: S,
  limitBytes: number = DEFAULT_BODY_LIMIT_BYTES,
): Promise<z.infer<S>> {
  if (!ctx.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'expected Content-Type: application/json');
  }
  let raw: string;
  try {
    raw = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8', length: ctx.get('Content-Length') || undefined });
  } catch (err) {
    const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
    if (type === 'entity.too.large') {
      throw new HttpError(413, 'body_too_large', `request body exceeds ${limitBytes} bytes`);
    }
    throw new HttpError(400, 'bad_body', 'could not read the request body');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'bad_json', 'request body is not valid JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new HttpError(400, 'invalid_body', describeIssues(result.error));
  return result.data;
}
