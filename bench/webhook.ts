/**
 * Load test of the WeChat webhook: N simulated residents, each driving a scripted multi-turn
 * conversation through `POST /wechat` in safe mode over real HTTP, with state in Redis; compared
 * with a bare koa handler returning fixed XML, measured in the same run.
 *
 *   npx tsx bench/webhook.ts [--residents 200] [--turns 6] [--passes 3] [--rounds 5] [--think-ms 1000]
 *
 * Each round, every resident goes through the script `passes` times (one continuing conversation);
 * the figures reported are each server's median round by throughput.
 *
 * Env: REDIS_URL (default redis://127.0.0.1:6379). The bot is `composeBot()` (bot/compose.ts) on
 * that Redis, as `npm start` runs it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import Koa from 'koa';
import type { Bot } from '../bot/bot';
import { composeBot } from '../bot/compose';
import { systemClock } from '../bot/clock';
import { silentLogger } from '../bot/logger';
import type { ChannelDelivery } from '../bot/ports';
import { connectRedis, createRedisPorts, type RedisClient } from '../integrations/redis';
import { createWechatCipher, msgSignature, sig3 } from '../integrations/wechat-mp/webhook/crypto';
import { createWechatWebhook } from '../integrations/wechat-mp/webhook/router';

const { values: args } = parseArgs({
  options: {
    residents: { type: 'string', default: '200' },
    turns: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '5' },
    passes: { type: 'string', default: '3' },
    'think-ms': { type: 'string', default: '1000' },
  },
});
const RESIDENTS = Number(args.residents);
const ROUNDS = Number(args.rounds);
const PASSES = Math.min(Number(args.passes), 16);
const THINK_MS = Number(args['think-ms']);
const SCRIPT = ['你好', '菜单', '1', '社保卡怎么补办', '需要带什么材料', '谢谢'].slice(0, Number(args.turns));

const ACCOUNT = { token: 'BenchToken1', appId: 'wx0123456789abcdef', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', original: 'gh_bench' };
const cipher = createWechatCipher(ACCOUNT.aesKey, ACCOUNT.appId);

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
function prepare(round: number, passes = PASSES): Prepared[][] {
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: RESIDENTS }, (_, r) =>
    Array.from({ length: passes }, () => SCRIPT).flat().map((text, t) => {
      const msgId = `${9_000_000_000 + round * 1_000_000 + r * 100 + t}`;
      const encrypt = cipher.encrypt(textXml(`oBench${round}x${r}`, text, msgId, Number(ts)));
      // One nonce per message: a signed timestamp + nonce pair carries one body.
      const nonce = msgId;
      const q = new URLSearchParams({ signature: sig3(ACCOUNT.token, ts, nonce), timestamp: ts, nonce, encrypt_type: 'aes', msg_signature: msgSignature(ACCOUNT.token, ts, nonce, encrypt) });
      return { path: `/wechat?${q}`, body: `<xml><ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
    }),
  );
}

/**
 * The load generator runs in a worker thread (plain JS, one keep-alive pool per port), so it
 * takes the second core instead of competing with the server for the event loop.
 */
const DRIVER_JS = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const agents = new Map();
function post(agent, port, req) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path: req.path, method: 'POST', agent,
      headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(req.body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}
parentPort.on('message', async ({ port, conversations, thinkMs }) => {
  if (!agents.has(port)) agents.set(port, new http.Agent({ keepAlive: true, maxSockets: conversations.length }));
  const agent = agents.get(port);
  const latencies = [];
  let errors = 0, passive = 0;
  const started = performance.now();
  await Promise.all(conversations.map(async (turns, i) => {
    if (thinkMs > 0) await new Promise((r) => setTimeout(r, (i * thinkMs) / conversations.length));
    for (const req of turns) {
      const t0 = performance.now();
      try {
        const res = await post(agent, port, req);
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors++;
        else if (res.body.startsWith('<xml>')) passive++;
      } catch { errors++; }
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs));
    }
  }));
  parentPort.postMessage({ latencies, errors, passive, seconds: (performance.now() - started) / 1000 });
});
`;

let statsClient: RedisClient | undefined;
/** Redis server CPU time so far (ms), to attribute Redis work per request. */
async function redisCpuMs(): Promise<number> {
  if (!statsClient) return 0;
  const info = await statsClient.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

const driver = new Worker(DRIVER_JS, { eval: true });
driver.unref();

async function drive(port: number, conversations: Prepared[][], thinkMs = 0): Promise<Result> {
  const elu0 = performance.eventLoopUtilization();
  const redis0 = await redisCpuMs();
  const out = await new Promise<{ latencies: number[]; errors: number; passive: number; seconds: number }>((resolve, reject) => {
    driver.once('message', resolve);
    driver.once('error', reject);
    driver.postMessage({ port, conversations, thinkMs });
  });
  driver.removeAllListeners('error');
  const elu = performance.eventLoopUtilization(elu0);
  const redisMs = (await redisCpuMs()) - redis0;
  const latencies = out.latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
  return {
    requests: latencies.length,
    errors: out.errors,
    passive: out.passive,
    seconds: Math.round(out.seconds * 100) / 100,
    throughput: Math.round(latencies.length / out.seconds),
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: pct(100),
    serverUsPerRequest: Math.round((elu.active * 1000) / latencies.length),
    redisUsPerRequest: Math.round((redisMs * 1000) / latencies.length),
  };
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
  /** Busy time of the server's event loop per request (µs). */
  serverUsPerRequest: number;
  /** Redis server CPU (user + sys) per request (µs), from INFO cpu. */
  redisUsPerRequest: number;
}

/** The same script straight through `bot.handle` (no HTTP, no crypto, no XML): the bot's own ceiling. */
async function inProcessCeiling(bot: Bot): Promise<number> {
  let turns = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: RESIDENTS }, async (_, r) => {
      for (let round = 0; round < 3; round++) {
        const user = `oInproc${r}x${round}`;
        for (const [t, text] of Array.from({ length: PASSES }, () => SCRIPT).flat().entries()) {
          await bot.handle({ kind: 'text', text, id: `inproc-${r}-${round}-${t}`, channel: 'wechat-mp', userId: user, conversationId: `wechat-mp:${user}`, receivedAt: Date.now() });
          turns++;
        }
      }
    }),
  );
  return Math.round(turns / ((performance.now() - started) / 1000));
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const logger = silentLogger();
  const prefix = `bench-webhook-${randomBytes(4).toString('hex')}:`;
  const client = await connectRedis(redisUrl, logger);
  statsClient = client;
  const ports = createRedisPorts(client, { logger, prefix });
  const composed = await composeBot({ env: { ...process.env, REDIS_URL: redisUrl, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, logger: silentLogger() });
  const { bot } = composed;
  const label = 'composeBot() with REDIS_URL';

  let delivered = 0;
  const delivery: ChannelDelivery = {
    async deliver(_to, messages) {
      delivered += messages.length;
    },
  };
  const makeApp = (b: Bot) => {
    const hook = createWechatWebhook({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.aesKey },
      bot: b,
      delivery,
      deduper: ports.deduper,
      sessions: ports.sessions,
      clock: systemClock,
      logger,
    });
    const app = new Koa();
    app.use(hook.router.routes());
    return { hook, app };
  };
  const real = makeApp(bot);
  // Attribution only: the same webhook (crypto, XML, ledger on Redis) around a bot that does nothing.
  const echo = makeApp({ handle: async (m) => ({ replies: [{ kind: 'text', text: `收到：${m.kind}` }], effects: [], duplicate: false }) });
  const fixed = textXml('oBench', '收到', '1', 1).replace('MsgId', 'X');
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.type = 'text/xml';
    ctx.body = fixed;
  });
  const [wh, echoSrv, bareSrv] = await Promise.all([listen(real.app), listen(echo.app), listen(bare)]);

  // Warm-up: JIT, keep-alive sockets, Redis scripts.
  await drive(wh.port, prepare(99).map((turns) => turns.slice(0, 2)));
  await drive(echoSrv.port, prepare(98).map((turns) => turns.slice(0, 2)));
  await drive(bareSrv.port, prepare(97).map((turns) => turns.slice(0, 2)));

  const runs: { round: number; webhook: Result; echo: Result; bare: Result }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const convs = prepare(round);
    const bareResult = await drive(bareSrv.port, convs);
    const echoResult = await drive(echoSrv.port, prepare(round + 50));
    const whResult = await drive(wh.port, convs);
    runs.push({ round, webhook: whResult, echo: echoResult, bare: bareResult });
    const cost = (r: Result) => `${r.serverUsPerRequest}+${r.redisUsPerRequest}µs`;
    console.log(`round ${round}: webhook ${whResult.throughput} req/s p50 ${whResult.p50} p95 ${whResult.p95} p99 ${whResult.p99} ms ${cost(whResult)} | echo ${echoResult.throughput} req/s p99 ${echoResult.p99} ${cost(echoResult)} | bare ${bareResult.throughput} req/s p99 ${bareResult.p99} ms ${cost(bareResult)}`);
  }
  const paced = THINK_MS > 0 ? await drive(wh.port, prepare(ROUNDS + 100, 1), THINK_MS) : undefined;
  const inProcess = await inProcessCeiling(bot);
  console.log(`in process (same script, bot.handle, no HTTP): ${inProcess} turns/s`);
  if (paced) console.log(`paced (${THINK_MS} ms think): webhook ${paced.throughput} req/s p50 ${paced.p50} p95 ${paced.p95} p99 ${paced.p99} ms`);
  await real.hook.drain();
  await echo.hook.drain();
  /** Each server's median round by throughput (rounds differ with JIT warm-up and the machine's other work). */
  const median = (server: 'webhook' | 'echo' | 'bare'): Result => [...runs.map((r) => r[server])].sort((a, b) => a.throughput - b.throughput)[Math.floor(runs.length / 2)]!;
  const typical = { webhook: median('webhook'), echo: median('echo'), bare: median('bare') };
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    bot: label,
    residents: RESIDENTS,
    turnsPerResident: SCRIPT.length * PASSES,
    thinkMs: THINK_MS,
    mode: 'safe (AES), passive replies',
    redis: redisUrl.replace(/\/\/[^@]*@/, '//***@'),
    runs,
    paced,
    reported: typical,
    ratio: Math.round((typical.webhook.throughput / typical.bare.throughput) * 1000) / 1000,
    inProcessTurnsPerSecond: inProcess,
    inProcessRatio: Math.round((inProcess / typical.bare.throughput) * 1000) / 1000,
    echoRatio: Math.round((typical.echo.throughput / typical.bare.throughput) * 1000) / 1000,
    targets: { p99BelowMs: 50, throughputRatioAtLeast: 0.4 },
    met: { p99Saturated: typical.webhook.p99 < 50, p99Paced: paced ? paced.p99 < 50 : undefined, throughput: typical.webhook.throughput / typical.bare.throughput >= 0.4 },
    deliveredOutOfBand: delivered,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}webhook.json`, `${JSON.stringify(summary, null, 2)}\n`);
  const row = (name: string, r: Result) => `| ${name} | ${r.requests} | ${r.errors} | ${r.throughput} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.serverUsPerRequest} | ${r.redisUsPerRequest} |`;
  const md = [
    '# Webhook benchmark',
    '',
    `${summary.date}, Node ${summary.node}, ${RESIDENTS} concurrent residents × ${SCRIPT.length * PASSES} turns per round (median of ${ROUNDS} rounds), safe mode over real HTTP, Redis state. Bot: ${label}.`,
    'Load generator, webhook, bare server and Redis share one 2-core machine (with other work running).',
    '',
    '| server | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms | server CPU µs/req | Redis CPU µs/req |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row('webhook + bot, saturated (no think time)', typical.webhook),
    row('webhook + do-nothing bot, saturated (attribution)', typical.echo),
    row('bare koa, fixed XML, saturated', typical.bare),
    ...(paced ? [row(`webhook + bot, residents think ${THINK_MS} ms between turns`, paced)] : []),
    '',
    `Without HTTP: the same script through \`bot.handle\` in this process, 200 residents: ${inProcess} turns/s = ${summary.inProcessRatio} of bare.`,
    `Server CPU per request: bare ${typical.bare.serverUsPerRequest} µs, webhook with a do-nothing bot ${typical.echo.serverUsPerRequest} µs (HTTP, signatures, AES both ways, XML, reply ledger), webhook with the bot ${typical.webhook.serverUsPerRequest} µs (+ ${typical.webhook.redisUsPerRequest} µs in Redis). On a saturated machine the throughput ratio follows these costs.`,
    `Saturated throughput ratio webhook/bare: ${summary.ratio} (target ≥ 0.4: ${summary.met.throughput ? 'met' : 'NOT met'}); do-nothing bot/bare: ${summary.echoRatio}.`,
    `p99 saturated: ${typical.webhook.p99} ms (target < 50 ms: ${summary.met.p99Saturated ? 'met' : 'NOT met'})${paced ? `; p99 with think time: ${paced.p99} ms (${summary.met.p99Paced ? 'met' : 'NOT met'})` : ''}.`,
    'In a closed loop without think time p99 ≈ concurrency / throughput (Little\'s law), so the saturated p99 measures capacity, not per-request cost.',
    '',
  ].join('\n');
  await writeFile(`${dir}webhook.md`, md);
  console.log(md);
  await Promise.all([wh, echoSrv, bareSrv].map(({ server }) => new Promise((r) => server.close(r))));
  await composed.close();
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(keys);
  await client.quit();
}

await main();
