import { randomInt } from 'node:crypto';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Bot } from '../../../bot/bot';
import type { Logger } from '../../../bot/logger';
import { silentLogger } from '../../../bot/logger';
import type { InboundMessage, OutboundMessage } from '../../../bot/message';
import { texts } from '../../../bot/texts';
import type { ChannelDelivery, Clock, Deduper, SessionStore } from '../../../bot/ports';
import type { MessageMode } from '../config';
import { createWechatCipher, msgSignature, sig3, signatureEquals, WechatCryptoError, WechatCryptoErrorCode, type WechatCipher } from './crypto';
import { mapIncoming } from './inbound';
import { createReplyLedger, type ReplyLedger } from './ledger';
import { createReplayGuard, type PairUse } from './replay';
import { createReplyDesk } from './reply-desk';
import { DEFAULT_TEXT_LIMIT_BYTES } from '../split-text';
import { normalizeReplies, replyBodyOf } from './render';
import { buildEncryptedEnvelope, buildReplyXml, parseIncomingMessage, parseWechatXml, WechatXmlError, type IncomingMessage } from './xml';

export interface WechatWebhookOptions {
  token: string;
  appId: string;
  /** Needed for compatible and safe modes (`encrypt_type=aes`). */
  encodingAesKey?: string;
  /**
   * The key before the last change in the admin console, kept while the change settles: a message
   * that the current key cannot open is tried with it, and its reply is sealed with the same key.
   */
  previousEncodingAesKey?: string;
  /**
   * The only message mode accepted (default `safe` with a key, `plain` without): in safe mode a
   * request without `encrypt_type=aes` is a downgrade and refused; `compatible` takes both.
   */
  messageMode?: MessageMode;
  /** Time a request waits for the bot before answering `success` (default 4,500 ms). */
  replyBudgetMs?: number;
  /** Allowed distance between the request timestamp and now (default 300 s). */
  timestampWindowS?: number;
  /** Largest POST body (default 64 KB). */
  bodyLimitBytes?: number;
  /** Largest text reply in UTF-8 bytes (default 2048). */
  textLimitBytes?: number;
  /** How long claims and finished replies are kept for retries (default 600 s, at least twice the timestamp window). */
  ledgerTtlSeconds?: number;
  /** How often a retry looks for the first attempt's replies (default 50 ms). */
  pollMs?: number;
  /** Route path (default `/wechat`). */
  path?: string;
}

export interface WechatWebhookDeps {
  options: WechatWebhookOptions;
  bot: Bot;
  /** Late replies and the replies after the first go out through the customer-service path. */
  delivery: ChannelDelivery;
  deduper: Deduper;
  sessions: SessionStore;
  clock: Clock;
  logger?: Logger;
}

export interface WechatWebhook {
  router: Router;
  /** Resolves when every request in flight and every background delivery started so far has finished (tests, shutdown). */
  drain(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SUCCESS = 'success';

/** A deadline shared by everything one request does; `expired` resolves when the budget is spent. */
function deadline(ms: number) {
  const end = Date.now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  return { expired, remaining: () => end - Date.now(), clear: () => clearTimeout(timer) };
}

/**
 * The WeChat official-account callback: `GET` answers the URL verification, `POST` verifies,
 * decrypts and parses a message, runs the bot turn once, and answers passively within the budget
 * (first reply in the HTTP response, the rest through `delivery`) or with `success` and later
 * delivery. See README "Connecting a WeChat official account".
 */
export function createWechatWebhook(deps: WechatWebhookDeps): WechatWebhook {
  const { options, bot, delivery, clock } = deps;
  const logger = (deps.logger ?? silentLogger()).child({ channel: 'wechat-mp' });
  const path = options.path ?? '/wechat';
  const budgetMs = options.replyBudgetMs ?? 4500;
  const windowS = options.timestampWindowS ?? 300;
  const bodyLimit = options.bodyLimitBytes ?? 64 * 1024;
  const textLimit = options.textLimitBytes ?? DEFAULT_TEXT_LIMIT_BYTES;
  const pollMs = options.pollMs ?? 50;
  const mode: MessageMode = options.messageMode ?? (options.encodingAesKey ? 'safe' : 'plain');
  if (mode !== 'plain' && !options.encodingAesKey) throw new Error(`createWechatWebhook(): ${mode} mode needs encodingAesKey`);
  const cipher: WechatCipher | undefined = options.encodingAesKey && mode !== 'plain' ? createWechatCipher(options.encodingAesKey, options.appId) : undefined;
  const previousCipher: WechatCipher | undefined = cipher && options.previousEncodingAesKey ? createWechatCipher(options.previousEncodingAesKey, options.appId) : undefined;
  // Every record a replay could meet outlives the timestamp window (a pair is acceptable for 2 × window).
  const ledger: ReplyLedger = createReplyLedger({ deduper: deps.deduper, sessions: deps.sessions, ttlSeconds: Math.max(options.ledgerTtlSeconds ?? 600, 2 * windowS + 60) });
  const pairs = createReplayGuard({ deduper: deps.deduper, clock, windowS });
  const background = new Set<Promise<unknown>>();

  const track = (work: Promise<unknown>) => {
    const p = work.catch((error: unknown) => logger.error({ err: error }, 'wechat background delivery failed'));
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  const { deliverLater, waitForStored, passive, pickUp } = createReplyDesk({ ledger, delivery, logger, track, pollMs });

  function verifyQuery(query: URLSearchParams): { timestamp: string; nonce: string } {
    const timestamp = query.get('timestamp');
    const nonce = query.get('nonce');
    const signature = query.get('signature');
    if (!timestamp || !nonce || !signature) throw new HttpFailure(401, 'missing signature, timestamp or nonce');
    if (nonce.length > 64) throw new HttpFailure(401, 'nonce longer than 64 characters');
    if (!signatureEquals(sig3(options.token, timestamp, nonce), signature)) throw new HttpFailure(401, 'bad signature');
    const ts = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
    if (!Number.isFinite(ts) || Math.abs(clock.now() / 1000 - ts) > windowS) throw new HttpFailure(401, 'timestamp outside the allowed window');
    return { timestamp, nonce };
  }

  async function readBody(ctx: Context): Promise<string> {
    try {
      return await getRawBody(ctx.req, { limit: bodyLimit, encoding: 'utf8', length: ctx.get('content-length') || undefined });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') throw new HttpFailure(413, 'body over the limit');
      throw new HttpFailure(400, `unreadable body: ${(error as Error).message}`);
    }
  }

  /** Opens `encrypt` with the current key, or else the previous one; returns the cipher that did. */
  function open(encrypt: string, current: WechatCipher): { plain: string; sealedWith: WechatCipher } {
    try {
      return { plain: current.decrypt(encrypt).message, sealedWith: current };
    } catch (error) {
      if (!previousCipher || !(error instanceof WechatCryptoError)) throw error;
      try {
        const plain = previousCipher.decrypt(encrypt).message;
        logger.warn('wechat message sealed with the previous EncodingAESKey; once none arrive, remove WECHAT_ENCODING_AES_KEY_PREVIOUS');
        return { plain, sealedWith: previousCipher };
      } catch {
        throw error;
      }
    }
  }

  function decode(query: URLSearchParams, body: string, q: { timestamp: string; nonce: string }): { message: IncomingMessage; sealedWith?: WechatCipher } {
    const encrypted = query.get('encrypt_type') === 'aes';
    if (!encrypted && mode === 'safe') throw new HttpFailure(401, 'plain request refused: WECHAT_MESSAGE_MODE is safe (a plain-mode signature does not cover the body)');
    if (encrypted && !cipher) {
      logger.error('an encrypted message arrived but WECHAT_MESSAGE_MODE is plain: set the key and compatible or safe mode, as in the admin console');
      throw new HttpFailure(400, 'encrypted message in plain mode');
    }
    try {
      const envelope = parseWechatXml(body);
      if (!encrypted || !cipher) return { message: parseIncomingMessage(envelope) };
      const encrypt = envelope.Encrypt;
      if (!encrypt) throw new HttpFailure(400, 'encrypt_type=aes without <Encrypt>');
      const given = query.get('msg_signature') ?? undefined;
      if (!signatureEquals(msgSignature(options.token, q.timestamp, q.nonce, encrypt), given)) throw new HttpFailure(401, 'bad msg_signature');
      const { plain, sealedWith } = open(encrypt, cipher);
      return { message: parseIncomingMessage(parseWechatXml(plain)), sealedWith };
    } catch (error) {
      if (error instanceof HttpFailure) throw error;
      if (error instanceof WechatXmlError) throw new HttpFailure(400, error.message);
      if (error instanceof WechatCryptoError) {
        throw new HttpFailure(error.code === WechatCryptoErrorCode.ValidateAppid ? 401 : 400, error.message);
      }
      throw error;
    }
  }

  /**
   * The passive reply this request should carry, or undefined for `success`. A request whose
   * signed URL and body were seen before is a copy: once its turn has finished (the ledger,
   * kept longer than the timestamp window, says so) it never reaches the bot again.
   */
  async function converse(ctx: Context, message: InboundMessage, limit: ReturnType<typeof deadline>, copy: boolean): Promise<OutboundMessage | undefined> {
    if (copy) {
      const stored = await ledger.loadReplies(message.id);
      if (stored) return pickUp(ctx, message, stored);
    }
    const turn = bot.handle(message).then(
      (result) => ({ duplicate: result.duplicate, replies: normalizeReplies(result.replies, textLimit) }),
      (error: unknown) => {
        // The runtime answers its own failures politely; this is a contract breach, still answered politely.
        logger.error({ err: error, msgId: message.id }, 'wechat turn threw');
        return { duplicate: false, replies: [{ kind: 'text' as const, text: texts.error }] };
      },
    );
    const outcome = await Promise.race([turn, limit.expired]);
    if (outcome === 'late') {
      logger.info({ msgId: message.id }, 'reply budget spent; answering success and delivering later');
      track(turn.then((r) => (r.duplicate ? undefined : deliverLater(message, r.replies))));
      return undefined;
    }
    if (!outcome.duplicate) {
      // The record is for retries; without it (a store outage) the resident is still answered now.
      await ledger.storeReplies(message.id, outcome.replies, 'sending').catch((error: unknown) => logger.warn({ err: error, msgId: message.id }, 'could not record the replies for retries; answering anyway'));
      return passive(ctx, message, outcome.replies);
    }
    // A platform retry (or a concurrent duplicate): the turn runs elsewhere; pick up its replies.
    return pickUp(ctx, message, await waitForStored(message.id, limit.remaining));
  }

  /**
   * The one-message-per-URL check. When its store fails or does not answer within the budget the
   * message goes on unchecked (logged): the turn needs the same store, so it fails the same way
   * and the resident gets the polite error or a late reply rather than nothing.
   */
  async function checkPair(q: { timestamp: string; nonce: string }, body: string, limit: ReturnType<typeof deadline>): Promise<PairUse | 'unchecked'> {
    const check = pairs.use(q.timestamp, q.nonce, body);
    check.catch(() => undefined); // a late failure is logged below or not at all, never unhandled
    try {
      const outcome = await Promise.race([check, limit.expired]);
      if (outcome !== 'late') return outcome;
      logger.warn('replay check did not answer within the reply budget; the message goes on unchecked');
    } catch (error) {
      logger.warn({ err: error }, 'replay check failed; the message goes on unchecked');
    }
    return 'unchecked';
  }

  /** The passive reply, sealed with the key that opened the request when it came encrypted. */
  function respondXml(ctx: Context, reply: OutboundMessage, incoming: IncomingMessage, sealedWith: WechatCipher | undefined, nonce: string) {
    const createTime = Math.floor(clock.now() / 1000);
    const xml = buildReplyXml({ toUser: incoming.FromUserName, fromUser: incoming.ToUserName, createTime }, replyBodyOf(reply));
    ctx.type = 'text/xml; charset=utf-8';
    if (!sealedWith) {
      ctx.body = xml;
      return;
    }
    const encrypt = sealedWith.encrypt(xml);
    const timestamp = String(createTime);
    const replyNonce = nonce || String(randomInt(1e9));
    ctx.body = buildEncryptedEnvelope({ encrypt, msgSignature: msgSignature(options.token, timestamp, replyNonce, encrypt), timestamp, nonce: replyNonce });
  }

  const router = new Router();

  router.get(path, (ctx) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    // Parsed once per request; `get` returns a parameter's first value.
    const query = new URLSearchParams(ctx.querystring);
    try {
      verifyQuery(query);
    } catch (error) {
      const failure = error as HttpFailure;
      logger.warn({ reason: failure.message }, 'wechat URL verification refused');
      ctx.status = 401;
      ctx.body = 'invalid signature';
      return;
    }
    // Reflected text: never sniffed as HTML.
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = query.get('echostr') ?? '';
  });

  router.post(path, async (ctx) => {
    // In flight until answered, even when the client has gone: drain() waits for it.
    const handled = handle(ctx);
    background.add(handled);
    try {
      await handled;
    } finally {
      background.delete(handled);
    }
  });

  async function handle(ctx: Context): Promise<void> {
    ctx.set('X-Content-Type-Options', 'nosniff');
    const limit = deadline(budgetMs);
    try {
      const query = new URLSearchParams(ctx.querystring);
      const q = verifyQuery(query);
      const body = await readBody(ctx);
      const use = await checkPair(q, body, limit);
      if (use === 'other-body') throw new HttpFailure(401, 'timestamp and nonce already used for another message (replayed URL)');
      const { message: incoming, sealedWith } = decode(query, body, q);
      const mapped = mapIncoming(incoming);
      if (mapped.kind === 'ignore') {
        logger.info({ msgId: mapped.dedupeKey, msgType: incoming.MsgType, event: incoming.Event, reason: mapped.reason }, 'wechat message is not a turn');
        ctx.type = 'text/plain';
        ctx.body = SUCCESS;
        return;
      }
      const reply = await converse(ctx, mapped.message, limit, use === 'same-body');
      logger.debug({ msgId: mapped.message.id, kind: mapped.message.kind, passive: reply !== undefined }, 'wechat message handled');
      if (!reply) {
        ctx.type = 'text/plain';
        ctx.body = SUCCESS;
        return;
      }
      respondXml(ctx, reply, incoming, sealedWith, q.nonce);
    } catch (error) {
      if (!(error instanceof HttpFailure)) {
        logger.error({ err: error }, 'wechat turn failed');
        ctx.status = 500;
        ctx.body = 'internal error';
        return;
      }
      logger.warn({ status: error.status, reason: error.message }, 'wechat request refused');
      ctx.status = error.status;
      ctx.body = error.status === 413 ? 'payload too large' : error.status === 401 ? 'invalid signature' : 'bad request';
    } finally {
      limit.clear();
    }
  }

  return {
    router,
    async drain() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}
