import { z } from 'zod';
import { WechatApiError, isRetryableErrcode } from './errors';

/** How to reach the platform: base URL (https://api.weixin.qq.com, or a fake in tests) and timeout. */
export interface HttpOptions {
  base: string;
  timeoutMs?: number;
}

/** Every platform answer carries errcode/errmsg on failure; success answers may omit them. */
export const ErrorFieldsSchema = z.object({ errcode: z.number().int().optional(), errmsg: z.string().optional() });

/**
 * POSTs JSON and validates the JSON answer with `schema`. Transport failures (timeout, refused,
 * 5xx, non-JSON) and errcode ≠ 0 become a `WechatApiError`.
 */
export async function postJson<S extends z.ZodType>(
  http: HttpOptions,
  operation: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
  schema: S,
): Promise<z.infer<S>> {
  const url = new URL(path, http.base.endsWith('/') ? http.base : `${http.base}/`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      // WeChat wants real characters, not \u escapes; JSON.stringify already emits UTF-8 text.
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(http.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : `request failed (${String(err)})`;
    throw new WechatApiError(operation, reason, true);
  }
  if (response.status >= 500) throw new WechatApiError(operation, `HTTP ${response.status}`, true);
  if (!response.ok) throw new WechatApiError(operation, `HTTP ${response.status}`, false);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new WechatApiError(operation, 'answer is not JSON', true);
  }
  const fields = ErrorFieldsSchema.safeParse(json);
  const errcode = fields.success ? fields.data.errcode : undefined;
  if (errcode !== undefined && errcode !== 0) {
    throw new WechatApiError(operation, `errcode ${errcode} ${fields.success ? (fields.data.errmsg ?? '') : ''}`.trim(), isRetryableErrcode(errcode), errcode);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new WechatApiError(operation, `unexpected answer: ${parsed.error.issues[0]?.message ?? 'invalid'}`, false);
  }
  return parsed.data;
}
