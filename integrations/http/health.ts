import { Router } from '@koa/router';
import type { HealthCheck } from '../../bot/ports';
import type { Logger } from '../../bot/logger';

/** How long /readyz waits for one dependency before calling it down. */
export const DEFAULT_READY_TIMEOUT_MS = 2000;

export type CheckOutcome = { name: string; ok: true } | { name: string; ok: false; reason: 'failed' | 'timeout'; message?: string };

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
    // An advisory check's message is meant for operators (it carries no secrets); it is logged at start-up, not on every probe.
    if (check.advisory) return { name: check.name, ok: false, reason: 'failed', message: err instanceof Error ? err.message : String(err) };
    logger.warn({ check: check.name, err }, 'readiness check failed');
    return { name: check.name, ok: false, reason: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is up and serving. `/readyz`: every dependency answers, checked in
 * parallel; 503 names the failing ones (reasons stay in the log, as they may carry URLs).
 * Advisory checks (e.g. the calendar not covering the coming weeks) never fail readiness: they
 * are listed under `warnings` with their message.
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
    const advisory = new Set(options.health.filter((c) => c.advisory).map((c) => c.name));
    const failing = outcomes.filter((o) => !o.ok && !advisory.has(o.name)).map((o) => o.name);
    const warnings = Object.fromEntries(outcomes.flatMap((o) => (!o.ok && advisory.has(o.name) ? [[o.name, o.message ?? o.reason]] : [])));
    const checks = Object.fromEntries(outcomes.map((o) => [o.name, o.ok ? 'ok' : advisory.has(o.name) ? 'warning' : o.reason]));
    const extra = Object.keys(warnings).length > 0 ? { warnings } : {};
    ctx.set('Cache-Control', 'no-store');
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.body = failing.length === 0 ? { status: 'ready', checks, ...extra } : { status: 'unavailable', failing, checks, ...extra };
  });
  return router;
}
