import { z } from 'zod';
import type { GovServiceDeps } from '../module-deps';
import { parseEnv, wholeNumber } from '../../../bot/config';
import type { Catalog } from '../catalog';
import { MemoryProgressGuard, RedisProgressGuard, type ProgressGuard } from './guard';
import type { ProgressBackend } from './port';
import { ProgressSimulator } from './simulator';
import { MemoryWatchStore, ProgressNotifier, RedisWatchStore, type WatchStore } from './watch';
import { createProgressWebhook } from './webhook';
import type { Router } from '@koa/router';

export { progressActions, type ProgressContext } from './actions';
export { ProgressSimulator } from './simulator';
export { ProgressNotifier, POLL_JOB } from './watch';
export { createProgressWebhook, webhookSignature, WEBHOOK_PATH } from './webhook';
export type { ProgressBackend } from './port';
export type { Application } from './schema';

/** The progress lookup settings (.env.example). */
export const ProgressEnvSchema = z.object({
  /** simulator: the seeded demo applications; http: a city's integrated government platform. */
  PROGRESS_BACKEND: z.enum(['simulator', 'http'], { error: 'simulator or http' }).default('simulator'),
  PROGRESS_API_URL: z.url().optional(),
  PROGRESS_API_KEY_ID: z.string().min(1).optional(),
  PROGRESS_API_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  PROGRESS_API_TIMEOUT_MS: wholeNumber(100, 30_000).default(3_000),
  /** Secret of the platform's signed status webhook (POST /govservice/progress/events); unset: no webhook, polling only. */
  PROGRESS_WEBHOOK_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  /** How often followed applications are checked for changes (seconds; 0: never, the webhook only). Default 60 for the simulator, 300 otherwise. */
  PROGRESS_POLL_SECONDS: wholeNumber(0, 86_400).optional(),
  /** Failed lookups allowed per resident and per number within the window, then a cool-down. */
  PROGRESS_FAIL_LIMIT: wholeNumber(1, 100).default(5),
  PROGRESS_FAIL_WINDOW_MINUTES: wholeNumber(1, 1440).default(60),
  PROGRESS_LOCK_MINUTES: wholeNumber(1, 1440).default(60),
});
export type ProgressEnv = z.infer<typeof ProgressEnvSchema>;

export interface ProgressDeps extends GovServiceDeps {
  catalog: Catalog;
  /** The keyed-hash secret (shared with booking's ID hashes). */
  secret: string;
  /** A backend instead of the configured one (tests). */
  backend?: ProgressBackend;
}

export interface Progress {
  env: ProgressEnv;
  backend: ProgressBackend;
  guard: ProgressGuard;
  watches: WatchStore;
  notifier: ProgressNotifier;
  secret: string;
  /** Registers the polling job (call before the job queue starts). */
  startPolling(): Promise<void>;
  /** The platform's signed status webhook, when PROGRESS_WEBHOOK_SECRET is set. */
  webhook?: Router;
}

export async function createProgress(deps: ProgressDeps): Promise<Progress> {
  const env = parseEnv(ProgressEnvSchema, deps.env);
  let backend: ProgressBackend;
  if (deps.backend) backend = deps.backend;
  else if (env.PROGRESS_BACKEND === 'http') {
    const { HttpProgressBackend } = await import('./http-backend');
    backend = HttpProgressBackend.fromEnv(env, deps.logger);
  } else backend = await ProgressSimulator.load(deps.catalog, deps.clock.now());
  const limits = { failures: env.PROGRESS_FAIL_LIMIT, windowMs: env.PROGRESS_FAIL_WINDOW_MINUTES * 60_000, lockMs: env.PROGRESS_LOCK_MINUTES * 60_000 };
  const guard = deps.redis ? new RedisProgressGuard(deps.redis.client, deps.redis.prefix, deps.secret, limits) : new MemoryProgressGuard(deps.secret, limits);
  const watches = deps.redis ? new RedisWatchStore(deps.redis.client, deps.redis.prefix) : new MemoryWatchStore();
  const notifier = new ProgressNotifier({ watches, backend, calendar: deps.catalog.calendar, delivery: deps.delivery, notified: deps.deduper, clock: deps.clock, logger: deps.logger, secret: deps.secret });
  const pollSeconds = env.PROGRESS_POLL_SECONDS ?? (env.PROGRESS_BACKEND === 'simulator' ? 60 : 300);
  return {
    env,
    backend,
    guard,
    watches,
    notifier,
    secret: deps.secret,
    startPolling: async () => {
      if (pollSeconds > 0) await notifier.poll(deps.jobs, pollSeconds * 1000);
    },
    ...(env.PROGRESS_WEBHOOK_SECRET
      ? { webhook: createProgressWebhook({ secret: env.PROGRESS_WEBHOOK_SECRET, backend, notifier, events: deps.deduper, clock: deps.clock, logger: deps.logger, tagSecret: deps.secret }) }
      : {}),
  };
}
