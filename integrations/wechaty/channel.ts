import { WechatyBuilder, type Message, type Wechaty, type WechatyOptions } from 'wechaty';
import type * as PUPPET from 'wechaty-puppet';
import type { Bot } from '../../bot/bot';
import type { Logger } from '../../bot/logger';
import type { ChannelDelivery, Clock } from '../../bot/ports';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { isPersonalWechatPuppet, type WechatyConfig } from './config';
import { roomIdOf, toInboundMessage } from './inbound';
import { sayReplies, type WechatyTarget } from './reply';

export interface WechatyChannelOptions {
  bot: Bot;
  logger: Logger;
  config: WechatyConfig;
  /** A puppet instance to use instead of the one named by `WECHATY_PUPPET` (tests pass a PuppetMock). */
  puppet?: PUPPET.impls.PuppetInterface;
  clock?: Clock;
  /** Restart back-off after a logout or a failed start. */
  backoff?: BackoffOptions;
}

export interface WechatyChannel {
  /** Late messages (answers that finished after the turn, agent replies) for channel 'wechaty'. */
  delivery: ChannelDelivery;
  /** Stops the puppet and any pending restart; for shutdown. */
  stop(): Promise<void>;
}

/** Messages stamped this long before start are history replayed by the puppet, not new questions. */
const STALE_TOLERANCE_MS = 60_000;

function buildWechaty(options: WechatyChannelOptions): Wechaty {
  if (options.puppet) return WechatyBuilder.build({ puppet: options.puppet });
  const { config } = options;
  const puppetOptions: PUPPET.PuppetOptions = {
    ...(config.WECHATY_PUPPET_SERVICE_TOKEN ? { token: config.WECHATY_PUPPET_SERVICE_TOKEN } : {}),
    ...(config.WECHATY_PUPPET_SERVICE_ENDPOINT ? { endpoint: config.WECHATY_PUPPET_SERVICE_ENDPOINT } : {}),
  };
  // The schema only admits npm puppet names; Wechaty resolves and imports the module itself.
  const puppet = config.WECHATY_PUPPET as Extract<WechatyOptions, { puppetOptions?: unknown }>['puppet'];
  return WechatyBuilder.build({ name: config.WECHATY_NAME, puppet, puppetOptions });
}

/**
 * Runs the bot on a Wechaty puppet: private chats are answered directly, room messages only when
 * they @-mention the bot, and replies in rooms @-mention the resident. A logout or a failed start
 * is logged at error level and followed by a restart with jittered exponential back-off; nothing
 * is thrown to the caller after start-up, so the HTTP server keeps serving.
 */
export async function startWechatyChannel(options: WechatyChannelOptions): Promise<WechatyChannel> {
  const { bot } = options;
  const logger = options.logger.child({ channel: 'wechaty' });
  const clock = options.clock ?? { now: () => Date.now() };
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const wechaty = buildWechaty(options);
  const startedAt = clock.now();

  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  // While stopping or restarting, the puppet's own logout/error events are expected, not failures.
  let cycling = false;
  // Wechaty reports a puppet that fails to start as an 'error' event, not as a rejected start().
  let starting = false;
  let startError: string | undefined;
  // Start, restart and stop run one after another, never interleaved.
  let lifecycle: Promise<void> = Promise.resolve();
  const enqueue = (op: () => Promise<void>): Promise<void> => (lifecycle = lifecycle.then(op));

  if (!options.puppet && options.config.WECHATY_PUPPET && isPersonalWechatPuppet(options.config.WECHATY_PUPPET)) {
    logger.warn({ puppet: options.config.WECHATY_PUPPET }, 'wechaty: personal-WeChat puppet (unofficial protocol, ban risk); not for production');
  }

  function scheduleRestart(reason: string): void {
    if (stopping || cycling || starting || timer) return;
    const delayMs = backoffDelay(attempt, backoff);
    attempt += 1;
    logger.error({ reason, attempt, delayMs }, 'wechaty: channel down, restarting the puppet after back-off');
    timer = setTimeout(() => {
      timer = undefined;
      void enqueue(restart);
    }, delayMs);
  }

  async function start(): Promise<void> {
    starting = true;
    startError = undefined;
    try {
      await wechaty.start();
    } catch (err) {
      startError = err instanceof Error ? err.message : String(err);
    } finally {
      starting = false;
    }
    if (startError === undefined) {
      logger.info({ attempt }, 'wechaty: puppet started, waiting for login');
      return;
    }
    logger.error({ reason: startError }, 'wechaty: puppet failed to start');
    scheduleRestart(`start failed: ${startError}`);
  }

  async function restart(): Promise<void> {
    cycling = true;
    try {
      await wechaty.stop();
    } catch (err) {
      logger.warn({ err }, 'wechaty: stopping the puppet before restart failed');
    } finally {
      cycling = false;
    }
    if (!stopping) await start();
  }

  async function onMessage(message: Message): Promise<void> {
    if (message.self()) return;
    if (message.date().getTime() < startedAt - STALE_TOLERANCE_MS) {
      logger.debug({ messageId: message.id }, 'wechaty: skipping a message from before start');
      return;
    }
    const room = message.room();
    if (room && !(await message.mentionSelf())) return;
    const self = wechaty.currentUser;
    const selfNames = [self.name(), room ? await room.alias(self) : undefined].filter((n): n is string => !!n);
    const inbound = await toInboundMessage(message, { receivedAt: clock.now(), selfNames });
    if (!inbound) {
      logger.info({ messageId: message.id, type: message.type() }, 'wechaty: message type not handled');
      return;
    }
    // Puppets are known to deliver a message twice: the runtime de-duplicates by message id.
    const result = await bot.handle(inbound);
    if (result.duplicate) {
      logger.info({ messageId: message.id }, 'wechaty: duplicate delivery ignored');
      return;
    }
    const talker = message.talker();
    const target: WechatyTarget = room ? { kind: 'room', room, talker } : { kind: 'contact', contact: talker };
    await sayReplies(wechaty, target, result.replies, logger);
  }

  wechaty.on('message', (message) => {
    onMessage(message).catch((err: unknown) => logger.error({ err, messageId: message.id }, 'wechaty: handling a message failed'));
  });
  wechaty.on('login', (user) => {
    attempt = 0;
    logger.info({ botUserId: user.id }, 'wechaty: logged in');
  });
  wechaty.on('logout', (user, reason) => {
    if (stopping || cycling) return;
    logger.error({ botUserId: user.id, reason: reason ?? 'unknown' }, 'wechaty: logged out');
    scheduleRestart(`logout: ${reason ?? 'unknown'}`);
  });
  wechaty.on('error', (err) => {
    if (stopping || cycling) return;
    if (starting) {
      startError ??= err.message;
      return;
    }
    logger.error({ err }, 'wechaty: puppet error');
    // Errors while logged in are per-call failures; while logged out the connection itself is gone.
    if (!wechaty.isLoggedIn) scheduleRestart(`error: ${err.message}`);
  });

  const delivery: ChannelDelivery = {
    async deliver(to, messages) {
      if (to.channel !== 'wechaty') throw new Error(`wechaty delivery: cannot deliver to channel "${to.channel}"`);
      if (!wechaty.isLoggedIn) throw new Error('wechaty delivery: the puppet is not logged in');
      const talker = await wechaty.Contact.find({ id: to.userId });
      if (!talker) throw new Error(`wechaty delivery: contact ${to.userId} not found`);
      const roomId = roomIdOf(to.conversationId, to.userId);
      let target: WechatyTarget = { kind: 'contact', contact: talker };
      if (roomId !== undefined) {
        const room = await wechaty.Room.find({ id: roomId });
        if (!room) throw new Error(`wechaty delivery: room ${roomId} not found`);
        target = { kind: 'room', room, talker };
      }
      await sayReplies(wechaty, target, messages, logger);
    },
  };

  await enqueue(start);

  return {
    delivery,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await enqueue(async () => {
        try {
          await wechaty.stop();
        } catch (err) {
          logger.warn({ err }, 'wechaty: stop failed');
        }
      });
    },
  };
}
