import { z } from 'zod';

/** A whole number from an environment string, with an error that says what is expected. */
export function wholeNumber(min: number, max: number) {
  const expected = `a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
}

/** Core settings, read from the environment and validated at start-up. Integrations validate their own. */
export const CoreConfigSchema = z.object({
  PORT: wholeNumber(1, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Redis for shared state; unset means the embedded in-memory stores (one instance only). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** Prefix of every Redis key, so several deployments can share one server. */
  KEY_PREFIX: z.string().regex(/^[a-z0-9_-]+(:[a-z0-9_-]+)*:$/, 'lower-case letters, digits, - or _ in segments separated and ended by ":"').default('banshi:'),
  /**
   * Longest wait for a Redis reply (or for a dropped connection to come back); a turn that hits it
   * gets the polite error reply. Well inside WeChat's 5 s, so that reply still goes out passively.
   */
  REDIS_COMMAND_TIMEOUT_MS: wholeNumber(50, 60_000).default(2_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  /** Key of residents' pseudonyms in log lines; unset: a random key per process (lines of different runs do not match up). */
  LOG_PSEUDONYM_KEY: z.string().min(16, { error: 'at least 16 characters' }).optional(),
  /** Minutes of silence after which a conversation is paused and offered back on return. */
  SESSION_IDLE_MINUTES: wholeNumber(1, 24 * 60).default(30),
  /** Hours during which a paused conversation can still be resumed; sessions expire after it. */
  SESSION_RESUME_HOURS: wholeNumber(1, 24 * 7).default(24),
  /** The city's name as residents read it. */
  CITY_NAME: z.string().min(1).default('本市'),
  /** Whether human agents answer handed-off chats (on once an agent desk serves them); off points residents to 12345. */
  HUMAN_AGENTS: z.enum(['on', 'off'], { error: 'on or off' }).default('off'),
  /** `production` turns the simulator off unless SIMULATOR=on says otherwise. */
  NODE_ENV: z.string().optional(),
  /** Serve the web chat simulator at / (default: on for the embedded demo, off when NODE_ENV=production). */
  SIMULATOR: z.enum(['on', 'off'], { error: 'on or off' }).optional(),
}).transform(({ SIMULATOR, ...rest }) => ({ ...rest, SIMULATOR: SIMULATOR ?? (rest.NODE_ENV === 'production' ? 'off' : 'on') }));
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `env` with `schema`; on failure throws one error naming every bad variable and what is
 * expected, e.g. `PORT: expected a number from 1 to 65535 (got "abc")`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    return `  ${name}: ${issue.message}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ''}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export function loadCoreConfig(env: Record<string, string | undefined> = process.env): CoreConfig {
  return parseEnv(CoreConfigSchema, env);
}
