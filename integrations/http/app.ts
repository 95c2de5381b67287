import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import type { Router } from '@koa/router';
import type { Bot } from '../../bot/bot';
import type { CoreConfig } from '../../bot/config';
import type { Logger } from '../../bot/logger';
import type { Clock, HealthCheck } from '../../bot/ports';
import { systemClock } from '../../bot/clock';
import type { Menu } from '../../flows/menu';
import { DEFAULT_BODY_LIMIT_BYTES } from './body';
import { errorBoundary } from './errors';
import { createHealthRouter } from './health';
import { requireAllowedHost, securityHeaders } from './security';
import { createSimulatorRouter } from './simulator/router';
import type { WebDelivery } from './simulator/web-delivery';
import { staticFiles } from './static-files';

export const SIMULATOR_PUBLIC_DIR = fileURLToPath(new URL('./simulator/public/', import.meta.url));

/** Pages may show images from anywhere (article covers), but run only their own scripts. */
const SIMULATOR_CSP =
  "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Errors of a peer that went away mid-response (a closed tab, a dropped connection): not our fault. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function clientWentAway(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return CLIENT_GONE.has(code) || (err instanceof Error && err.message === 'aborted');
}

export interface HttpAppOptions {
  bot: Bot;
  menu: Menu;
  health: HealthCheck[];
  logger: Logger;
  config: Pick<CoreConfig, 'SIMULATOR' | 'CITY_NAME'>;
  /** Secrets that sign the pages' cookies (HTTP_COOKIE_KEYS); a random one of this process when unset. */
  cookieKeys?: string[];
  /** Host names the pages answer to besides IP addresses and localhost (HTTP_ALLOWED_HOSTS). */
  allowedHosts?: string[];
  /** Routers mounted after the built-in ones (the WeChat webhook, the agent console …). */
  routers?: Router[];
  /** The web channel's SSE delivery; its stream is served with the simulator. */
  webDelivery?: WebDelivery;
  clock?: Clock;
  bodyLimitBytes?: number;
  readyTimeoutMs?: number;
}

/**
 * The koa app: security headers, error boundary, health probes, the web chat simulator (API, SSE
 * and page, when `SIMULATOR=on`) and any extra routers. Serve it with `listenHttp` (server.ts),
 * which bounds the server's timeouts.
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: false });
  app.keys = options.cookieKeys?.length ? options.cookieKeys : [randomBytes(32).toString('base64url')];
  // Errors are logged once by the boundary; koa's own console printing would duplicate them.
  app.silent = true;
  // What still reaches koa's error event: a response stream failing after its headers went out.
  app.on('error', (err: unknown, ctx?: Koa.Context) => {
    const where = { method: ctx?.method, path: ctx?.path };
    if (clientWentAway(err)) options.logger.debug({ ...where, code: (err as { code?: string }).code }, 'http client went away');
    else options.logger.warn({ ...where, err }, 'http response failed');
  });
  app.use(securityHeaders());
  app.use(errorBoundary(options.logger));

  const mount = (router: Router): void => {
    app.use(router.routes());
    app.use(router.allowedMethods());
  };
  mount(createHealthRouter({ health: options.health, logger: options.logger, timeoutMs: options.readyTimeoutMs }));

  const simulator = options.config.SIMULATOR === 'on';
  if (simulator) {
    mount(
      createSimulatorRouter({
        bot: options.bot,
        menu: options.menu,
        cityName: options.config.CITY_NAME,
        clock: options.clock ?? systemClock,
        allowedHosts: options.allowedHosts,
        webDelivery: options.webDelivery,
        bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      }),
    );
  }
  for (const router of options.routers ?? []) mount(router);
  if (simulator) {
    app.use(requireAllowedHost(options.allowedHosts ?? []));
    app.use(staticFiles(SIMULATOR_PUBLIC_DIR, { csp: SIMULATOR_CSP }));
  }

  return app;
}
