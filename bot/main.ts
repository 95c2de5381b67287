import type { Server } from 'node:http';
import { createHttpApp } from '../integrations/http/app';
import { loadConsoleConfig } from '../integrations/http/console/config';
import { createConsoleRouter, type ConsoleRouter } from '../integrations/http/console/router';
import { loadHttpConfig } from '../integrations/http/config';
import { listenHttp } from '../integrations/http/server';
import { createWebDelivery } from '../integrations/http/simulator/web-delivery';
import { startWechatChannel, type WechatChannel } from '../integrations/wechat-mp/channel';
import { loadWechatConfig } from '../integrations/wechat-mp/config';
import { startWechatyChannel, type WechatyChannel } from '../integrations/wechaty/channel';
import { loadWechatyConfig, wechatyEnabled } from '../integrations/wechaty/config';
import { composeBot } from './compose';
import { ConfigError } from './config';
import { FlowDefinitionError } from '../flows/loader';

/**
 * The service: the bot on its state (memory, or Redis with REDIS_URL), the HTTP server (web chat
 * simulator, health probes, the WeChat webhook when WECHAT_TOKEN is set) and the Wechaty channel
 * when WECHATY_PUPPET is set. Every setting is validated before anything starts.
 */
async function main(): Promise<void> {
  const env = process.env;
  const wechatConfig = loadWechatConfig(env);
  const wechatyConfig = loadWechatyConfig(env);
  const httpConfig = loadHttpConfig(env);
  const composed = await composeBot({ env });
  const { config, logger } = composed;

  const web = createWebDelivery({ maxStreams: httpConfig.maxStreams });
  composed.registerDelivery('web', web.delivery);

  let wechat: WechatChannel | undefined;
  if (wechatConfig.enabled) {
    wechat = await startWechatChannel({
      config: wechatConfig,
      env,
      bot: composed.bot,
      ...composed.stores,
      clock: composed.clock,
      logger,
      redis: composed.redis ? { client: composed.redis, keyPrefix: config.KEY_PREFIX } : undefined,
    });
    composed.registerDelivery('wechat-mp', wechat.outbound.delivery);
    composed.health.push(...wechat.outbound.health);
  }

  // The agent console, when agents answer handed-off chats (HUMAN_AGENTS=on).
  let agentConsole: ConsoleRouter | undefined;
  if (composed.agents) {
    agentConsole = createConsoleRouter({
      agents: composed.agents,
      staff: composed.stores.staff,
      audit: composed.stores.audit,
      sessions: composed.stores.sessions,
      lock: composed.stores.lock,
      clock: composed.clock,
      logger,
      config: loadConsoleConfig(env),
      allowedHosts: httpConfig.allowedHosts,
      maxStreams: httpConfig.maxStreams,
    });
    composed.sweeper?.start();
    if (!config.REDIS_URL) logger.warn('HUMAN_AGENTS=on without REDIS_URL: console accounts live in this process only and `npm run admin:create` cannot reach them; set REDIS_URL');
    if (httpConfig.cookieKeysRandom) logger.warn('HTTP_COOKIE_KEYS is not set: console logins end when this process restarts and hold on this instance only');
  }

  const app = createHttpApp({
    ...composed,
    webDelivery: web,
    cookieKeys: httpConfig.cookieKeys,
    allowedHosts: httpConfig.allowedHosts,
    routers: [...(wechat ? [wechat.webhook.router] : []), ...(composed.progress.webhook ? [composed.progress.webhook] : []), ...(composed.workOrderModule.webhook ? [composed.workOrderModule.webhook] : []), ...(agentConsole ? [agentConsole.router] : [])],
  });
  const server: Server = await listenHttp(app, { port: config.PORT, host: config.HOST, timeouts: { keepAliveTimeoutMs: httpConfig.keepAliveTimeoutMs } });
  if (config.SIMULATOR === 'on' && httpConfig.cookieKeysRandom) {
    logger.info('HTTP_COOKIE_KEYS is not set: simulator identities last until this process restarts and hold on this instance only');
  }
  const address = `http://${config.HOST}:${config.PORT}/`;
  logger.info({ address, state: config.REDIS_URL ? 'redis' : 'memory', wechat: wechatConfig.enabled, wechaty: wechatyEnabled(wechatyConfig) }, 'banshi started');
  process.stdout.write(`\n办事助手已启动 Banshi is running: ${address}${config.SIMULATOR === 'on' ? '  (网页模拟器 web chat simulator)' : ''}${agentConsole ? `\n人工坐席 Agent console: ${address}console` : ''}\n\n`);

  let wechaty: WechatyChannel | undefined;
  if (wechatyEnabled(wechatyConfig)) {
    wechaty = await startWechatyChannel({ bot: composed.bot, logger, config: wechatyConfig, clock: composed.clock });
    composed.registerDelivery('wechaty', wechaty.delivery);
  }
  // Background jobs (booking reminders, progress polling, work orders' invitations and 督办) start once every channel can deliver.
  await composed.progress.startPolling();
  await composed.workOrderModule.start();
  await composed.jobs.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    web.close();
    agentConsole?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await wechaty?.stop();
    await wechat?.close();
    await composed.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof FlowDefinitionError) {
    process.stderr.write(`\n无法启动 Cannot start: ${error.message}\n\n`);
  } else {
    process.stderr.write(`\n无法启动 Cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\n`);
  }
  process.exit(1);
});
