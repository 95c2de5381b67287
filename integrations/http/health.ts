import { Router } from '@koa/router';
import type { HealthCheck } from '../../bot/ports';
import type { Logger } from '../../bot/logger';

/** How long /readyz waits for one dependency before calling it down. */
export const DEFAULT_READY_TIMEOUT_MS = 2000;

export type CheckOutcome = { name: string; ok: true } | { name: string; ok: false; reason: 'failed' | 'timeout' };

/** Runs one check with a deadline; never throws. */
async function runCheck(check: HealthCheck, timeoutMs: number, logger: Logger): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check.check().then(() => 'ok' as const), deadline]);
    if (outcome === 'ok') return { name: check.name, ok: true };
    logger.warn({ check: check.name, timeoutMs }, 'readiness check timed out');
    return { name: check.name, ok: false, reason: 'timeout' };
  } catch (err) {
    logger.warn({ check: check.name, err }, 'readiness check failed');
    return { name: check.name, ok: false, reason: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is up and serving. `/readyz`: every dependency answers, checked in
 * parallel; 503 names the failing ones (reasons stay in the log, as they may carry URLs).
 */
export function createHealthRouter(options: { health: HealthCheck[]; logger: Logger; timeoutMs?: number }): Router {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const outcomes = await Promise.all(options.health.map((check) => runCheck(check, timeoutMs, options.logger)));
    const failing = outcomes.filter((o) => !o.ok).map((o) => o.name);
    const checks = Object.fromEntries(outcomes.map((o) => [o.name, o.ok ? 'ok' : o.reason]));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.body = failing.length === 0 ? { status: 'ready', checks } : { status: 'unavailable', failing, checks };
  });
  return router;
}
