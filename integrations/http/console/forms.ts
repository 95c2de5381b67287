import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { HttpError } from '../errors';

/** Reads an HTML form post (`application/x-www-form-urlencoded`, at most `limitBytes`). */
export async function readForm(ctx: Context, limitBytes = 16 * 1024): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new HttpError(415, 'unsupported_media_type', 'expected a form');
  let raw: string;
  try {
    raw = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8', length: ctx.get('Content-Length') || undefined });
  } catch {
    throw new HttpError(413, 'body_too_large', 'form too large');
  }
  return new URLSearchParams(raw);
}
