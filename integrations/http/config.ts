import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../bot/config';

const list = (item: z.ZodString) =>
  z
    .string()
    .transform((s) => s.split(',').map((part) => part.trim()).filter((part) => part.length > 0))
    .pipe(z.array(item));

/** Settings of the HTTP server and its pages (the simulator now, the agent console later). */
export const HttpEnvSchema = z.object({
  /**
   * Secrets that sign cookies (the simulator's identity, later the console's login), comma
   * separated: the first signs, every one verifies (to rotate, put the new one first).
   */
  HTTP_COOKIE_KEYS: list(z.string().min(32, { error: 'each key at least 32 characters' })).optional(),
  /**
   * Host names the pages answer to besides IP addresses and localhost (DNS-rebinding and
   * Host-header defence), comma separated; ".example.gov.cn" also allows its subdomains, "*" any.
   */
  HTTP_ALLOWED_HOSTS: list(z.string().regex(/^(\*|\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)$/, { error: 'host names like banshi.example.gov.cn, .example.gov.cn or *' })).optional(),
  /** How long an idle keep-alive connection stays open; keep it above the load balancer's idle timeout. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(1000, 600_000).default(5000),
  /** Live event streams (simulator pages, later agents' consoles) this instance keeps open at once. */
  HTTP_MAX_STREAMS: wholeNumber(1, 100_000).default(1000),
});

export interface HttpConfig {
  cookieKeys: string[];
  /** True when HTTP_COOKIE_KEYS was unset and a random key of this process signs cookies. */
  cookieKeysRandom: boolean;
  allowedHosts: string[];
  keepAliveTimeoutMs: number;
  maxStreams: number;
}

export function loadHttpConfig(env: Record<string, string | undefined> = process.env): HttpConfig {
  const parsed = parseEnv(HttpEnvSchema, env);
  const keys = parsed.HTTP_COOKIE_KEYS ?? [];
  return {
    // Without configured keys, identities last as long as the process (and one instance only).
    cookieKeys: keys.length > 0 ? keys : [randomBytes(32).toString('base64url')],
    cookieKeysRandom: keys.length === 0,
    allowedHosts: parsed.HTTP_ALLOWED_HOSTS ?? [],
    keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxStreams: parsed.HTTP_MAX_STREAMS,
  };
}
