/**
 * Load test of the WeChat webhook: N simulated residents, each driving a scripted multi-turn
 * conversation through `POST /wechat` in safe mode over real HTTP, with state in Redis; compared
 * with a bare koa handler returning fixed XML, measured in the same run.
 *
 *   npx tsx bench/webhook.ts [--residents 200] [--turns 6] [--rounds 2]
 *
 * Env: REDIS_URL (default redis://127.0.0.1:6379). The bot is `composeBot()` (bot/compose.ts) on
 * that Redis; if it cannot start, a stand-in that does the runtime's Redis work per turn (dedupe
 * claim, per-conversation lock, session read and write) is used and the results say so.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import type { Bot } from '../bot/bot';
import { composeBot } from '../bot/compose';
import { systemClock } from '../bot/clock';
import { silentLogger } from '../bot/logger';
import type { InboundMessage } from '../bot/message';
import type { ChannelDelivery, ConversationLock, Deduper, SessionStore } from '../bot/ports';
import { connectRedis, createRedisPorts } from '../integrations/redis';
import { createWechatCipher, msgSignature, sig3 } from '../integrations/wechat-mp/webhook/crypto';
import { createWechatWebhook } from '../integrations/wechat-mp/webhook/router';

const { values: args } = parseArgs({
  options: {
    residents: { type: 'string', default: '200' },
    turns: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '2' },
  },
});
const RESIDENTS = Number(args.residents);
const ROUNDS = Number(args.rounds);
const SCRIPT = ['你好', '菜单', '1', '社保卡怎么补办', '需要带什么材料', '谢谢'].slice(0, Number(args.turns));

const ACCOUNT = { token: 'BenchToken1', appId: 'wx0123456789abcdef', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', original: 'gh_bench' };
const cipher = createWechatCipher(ACCOUNT.aesKey, ACCOUNT.appId);

/** Stand-in bot (only when bot/compose.ts is absent): the runtime's per-turn Redis round trips. */
function stateBot(ports: { deduper: Deduper; lock: ConversationLock; sessions: SessionStore }): Bot {
  return {
    async handle(m: InboundMessage) {
      if (!(await ports.deduper.claim(`msg:${m.channel}:${m.id}`, 600))) return { replies: [], effects: [], duplicate: true };
      return ports.lock.run(m.conversationId, async () => {
        const key = `conv:${m.conversationId}`;
        const session = ((await ports.sessions.get(key)) as { turns?: number } | undefined) ?? {};
        const turns = (session.turns ?? 0) + 1;
        await ports.sessions.set(key, { ...session, turns, last: m.kind === 'text' ? m.text : m.kind }, 86_400);
        return {
          replies: [{ kind: 'choices' as const, text: `第${turns}轮：请选择要办的事`, options: [{ label: '社保' }, { label: '公积金' }, { label: '户籍' }] }],
          effects: [],
          duplicate: false,
        };
      });
    },
  };
}

async function loadBot(redisUrl: string, prefix: string, fallback: () => Bot): Promise<{ bot: Bot; label: string; close(): Promise<void> }> {
  try {
    const composed = await composeBot({ env: { ...process.env, REDIS_URL: redisUrl, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, logger: silentLogger() });
    return { bot: composed.bot, label: 'composeBot() with REDIS_URL', close: () => composed.close() };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    console.error(`composeBot() failed, using the stand-in bot: ${reason}`);
    return { bot: fallback(), label: `stand-in (composeBot() failed: ${reason}): dedupe + lock + session on Redis`, close: async () => undefined };
  }
}

function listen(app: Koa): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

function textXml(from: string, content: string, msgId: string, createTime: number): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

interface Prepared {
  path: string;
  body: string;
}

/** Builds every encrypted request before timing, so client-side crypto is not measured. */
function prepare(round: number): Prepared[][] {
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: RESIDENTS }, (_, r) =>
    SCRIPT.map((text, t) => {
      const msgId = `${9_000_000_000 + round * 1_000_000 + r * 100 + t}`;
      const encrypt = cipher.encrypt(textXml(`oBench${round}x${r}`, text, msgId, Number(ts)));
      const nonce = String(100000 + r * 10 + t);
      const q = new URLSearchParams({ signature: sig3(ACCOUNT.token, ts, nonce), timestamp: ts, nonce, encrypt_type: 'aes', msg_signature: msgSignature(ACCOUNT.token, ts, nonce, encrypt) });
      return { path: `/wechat?${q}`, body: `<xml><ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
    }),
  );
}

function post(agent: Agent, port: number, req: Prepared): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path: req.path, method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(req.body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

interface Result {
  requests: number;
  errors: number;
  passive: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

async function drive(port: number, conversations: Prepared[][]): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: RESIDENTS });
  const latencies: number[] = [];
  let errors = 0;
  let passive = 0;
  const started = performance.now();
  await Promise.all(
    conversations.map(async (turns) => {
      for (const req of turns) {
        const t0 = performance.now();
        const res = await post(agent, port, req);
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors++;
        else if (res.body.startsWith('<xml>')) passive++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
  return { requests: latencies.length, errors, passive, seconds: Math.round(seconds * 100) / 100, throughput: Math.round(latencies.length / seconds), p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100) };
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const logger = silentLogger();
  const prefix = `bench-webhook-${randomBytes(4).toString('hex')}:`;
  const client = await connectRedis(redisUrl, logger);
  const ports = createRedisPorts(client, { logger, prefix });
  const { bot, label, close: closeBot } = await loadBot(redisUrl, prefix, () => stateBot(ports));

  let delivered = 0;
  const delivery: ChannelDelivery = {
    async deliver(_to, messages) {
      delivered += messages.length;
    },
  };
  const webhook = createWechatWebhook({
    options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.aesKey },
    bot,
    delivery,
    deduper: ports.deduper,
    sessions: ports.sessions,
    clock: systemClock,
    logger,
  });
  const app = new Koa();
  app.use(webhook.router.routes());
  const fixed = textXml('oBench', '收到', '1', 1).replace('MsgId', 'X');
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.type = 'text/xml';
    ctx.body = fixed;
  });
  const [wh, bareSrv] = await Promise.all([listen(app), listen(bare)]);

  // Warm-up: JIT, connection pools, Redis scripts.
  await drive(wh.port, prepare(99).slice(0, 20));
  await drive(bareSrv.port, prepare(98).slice(0, 20));

  const runs: { round: number; webhook: Result; bare: Result }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const convs = prepare(round);
    const bareResult = await drive(bareSrv.port, convs);
    const whResult = await drive(wh.port, convs);
    runs.push({ round, webhook: whResult, bare: bareResult });
    console.log(`round ${round}: webhook ${whResult.throughput} req/s p50 ${whResult.p50} p95 ${whResult.p95} p99 ${whResult.p99} ms | bare ${bareResult.throughput} req/s p99 ${bareResult.p99} ms`);
  }
  await webhook.drain();
  const best = runs.reduce((a, b) => (b.webhook.p99 < a.webhook.p99 ? b : a));
  const last = runs[runs.length - 1]!;
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    bot: label,
    residents: RESIDENTS,
    turnsPerResident: SCRIPT.length,
    mode: 'safe (AES), passive replies',
    redis: redisUrl.replace(/\/\/[^@]*@/, '//***@'),
    runs,
    reported: last,
    ratio: Math.round((last.webhook.throughput / last.bare.throughput) * 1000) / 1000,
    targets: { p99BelowMs: 50, throughputRatioAtLeast: 0.4 },
    met: { p99: last.webhook.p99 < 50, throughput: last.webhook.throughput / last.bare.throughput >= 0.4 },
    bestRoundP99: best.webhook.p99,
    deliveredOutOfBand: delivered,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}webhook.json`, `${JSON.stringify(summary, null, 2)}\n`);
  const row = (name: string, r: Result) => `| ${name} | ${r.requests} | ${r.errors} | ${r.throughput} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} |`;
  const md = [
    '# Webhook benchmark',
    '',
    `${summary.date}, Node ${summary.node}, ${RESIDENTS} concurrent residents × ${SCRIPT.length} turns, safe mode over real HTTP, Redis state. Bot: ${label}.`,
    'Load generator, webhook, bare server and Redis share one 2-core machine (with other work running).',
    '',
    '| server | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|',
    row('webhook (POST /wechat)', last.webhook),
    row('bare koa, fixed XML', last.bare),
    '',
    `Throughput ratio: ${summary.ratio} (target ≥ 0.4: ${summary.met.throughput ? 'met' : 'NOT met'}). p99 ${last.webhook.p99} ms (target < 50 ms: ${summary.met.p99 ? 'met' : 'NOT met'}).`,
    '',
  ].join('\n');
  await writeFile(`${dir}webhook.md`, md);
  console.log(md);
  await Promise.all([new Promise((r) => wh.server.close(r)), new Promise((r) => bareSrv.server.close(r))]);
  await closeBot();
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(keys);
  await client.quit();
}

await main();
