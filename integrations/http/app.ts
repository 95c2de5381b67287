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
import { createSimulatorRouter } from './simulator/router';
import type { WebDelivery } from './simulator/web-delivery';
import { staticFiles } from './static-files';

export const SIMULATOR_PUBLIC_DIR = fileURLToPath(new URL('./simulator/public/', import.meta.url));

/** Pages may show images from anywhere (article covers), but run only their own scripts. */
const SIMULATOR_CSP =
  "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

export interface HttpAppOptions {
  bot: Bot;
  menu: Menu;
  health: HealthCheck[];
  logger: Logger;
  config: Pick<CoreConfig, 'SIMULATOR' | 'CITY_NAME'>;
  /** Routers mounted after the built-in ones (the WeChat webhook, the agent console …). */
  routers?: Router[];
  /** The web channel's SSE delivery; its router is mounted with the simulator. */
  webDelivery?: WebDelivery;
  clock?: Clock;
  bodyLimitBytes?: number;
  readyTimeoutMs?: number;
}

/**
 * The koa app: error boundary, health probes, the web chat simulator (API, SSE and page, when
 * `SIMULATOR=on`) and any extra routers. Listening is the caller's business (`app.listen`).
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: false });
  // Errors are logged once by the boundary; koa's own console printing would duplicate them.
  app.silent = true;
  // What still reaches koa's error event (a response stream failing after its headers went out).
  app.on('error', (err: unknown) => options.logger.warn({ err }, 'http response failed'));
  app.use(errorBoundary(options.logger));

  const mount = (router: Router): void => {
    app.use(router.routes());
    app.use(router.allowedMethods());
  };
  mount(createHealthRouter({ health: options.health, logger: options.logger, timeoutMs: options.readyTimeoutMs }));

  if (options.config.SIMULATOR === 'on') {
    mount(
      createSimulatorRouter({
        bot: options.bot,
        menu: options.menu,
        cityName: options.config.CITY_NAME,
        clock: options.clock ?? systemClock,
        bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      }),
    );
    if (options.webDelivery) mount(options.webDelivery.router);
  }
  for (const router of options.routers ?? []) mount(router);
  if (options.config.SIMULATOR === 'on') app.use(staticFiles(SIMULATOR_PUBLIC_DIR, { csp: SIMULATOR_CSP }));

  return app;
}
