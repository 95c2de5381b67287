/**
 * Engine benchmark: turns per second through the whole pipeline (`bot.handle`: dedupe, FIFO lock,
 * session load/save, normalisation, commands, the flow engine, an action, JSON logging to /dev/null)
 * for the multi-step 意见建议 flow, with many concurrent conversations, on the memory store and on
 * Redis; plus the largest session in bytes. A Redis PING loop measured in the same run is the
 * baseline for the Redis figure. Writes bench/results/engine.{json,md}.
 *
 *   npm run bench:engine -- [--conversations 200] [--seconds 5] [--redis redis://127.0.0.1:6379]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { createClient } from 'redis';
import { composeBot, type Composed } from '../bot/compose';
import { SessionSchema } from '../bot/session';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]?.replace(/^--/, '') ?? '', process.argv[i + 1] ?? '');
const conversations = Number(args.get('conversations') ?? 200);
const seconds = Number(args.get('seconds') ?? 5);
const redisUrl = args.get('redis') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// One full conversation: 9 turns through a flow with choice, date, location, text, image, yes/no,
// a sub-flow, a confirm step and an action.
const SCRIPT = ['我有个建议', '1', '昨天', '跳过', '大厅取号机经常坏，希望及时修一下', '跳过', '是', '13812345678', '确认提交'];
const SCRIPT_WITH_NAME = [...SCRIPT.slice(0, 7), '跳过', ...SCRIPT.slice(7)];

interface Result {
  store: string;
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  maxSessionBytes: number;
  failedTurns: number;
}

async function run(store: 'memory' | 'redis', prefix: string): Promise<Result> {
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const env = store === 'redis' ? { REDIS_URL: redisUrl, KEY_PREFIX: prefix } : {};
  const composed: Composed = await composeBot({ env, logger });
  let turns = 0;
  let failed = 0;
  let maxSessionBytes = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();

  async function resident(index: number): Promise<void> {
    let round = 0;
    while (performance.now() < deadline) {
      const user = `bench-${index}-${round++}`;
      for (const text of SCRIPT_WITH_NAME) {
        const result = await composed.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
        turns++;
        if (result.replies.some((r) => r.kind === 'text' && r.text.includes('系统开小差'))) failed++;
      }
      if (round === 1) maxSessionBytes = Math.max(maxSessionBytes, await sessionBytesMidFlow(composed, index));
    }
  }
  await Promise.all(Array.from({ length: conversations }, (_, i) => resident(i)));
  const elapsed = (performance.now() - started) / 1000;
  await composed.close();
  return { store, turns, seconds: elapsed, turnsPerSecond: turns / elapsed, maxSessionBytes, failedTurns: failed };
}

/** The largest session of a conversation walked to the confirm step (its fullest state). */
async function sessionBytesMidFlow(composed: Composed, index: number): Promise<number> {
  const user = `size-${index}`;
  let max = 0;
  for (const text of SCRIPT_WITH_NAME.slice(0, -1)) {
    await composed.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
    const session = SessionSchema.parse(await composed.stores.sessions.get(`test:${user}`));
    max = Math.max(max, Buffer.byteLength(JSON.stringify(session)));
  }
  return max;
}

async function pingBaseline(): Promise<number> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  let pings = 0;
  const deadline = performance.now() + Math.min(seconds, 3) * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: conversations }, async () => {
      while (performance.now() < deadline) {
        await client.ping();
        pings++;
      }
    }),
  );
  const rate = pings / ((performance.now() - started) / 1000);
  await client.quit();
  return rate;
}

async function cleanup(prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await client.del(keys);
  await client.quit();
}

const prefix = `bench:${randomUUID().slice(0, 8)}:`;
const memory = await run('memory', prefix);
const redis = await run('redis', prefix);
const pings = await pingBaseline();
await cleanup(prefix);

const report = {
  date: new Date().toISOString(),
  node: process.version,
  conversations,
  flow: 'feedback (10 turns a conversation)',
  memory,
  redis,
  redisPingsPerSecond: pings,
  redisTurnsPerPing: redis.turnsPerSecond / pings,
  targets: { memoryTurnsPerSecond: 20_000, redisTurnsPerSecond: 5_000, maxSessionBytes: 2048 },
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/engine.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
const row = (r: Result) => `| ${r.store} | ${r.turns} | ${r.seconds.toFixed(1)} | ${Math.round(r.turnsPerSecond)} | ${r.maxSessionBytes} | ${r.failedTurns} |`;
const md = [
  `# Engine benchmark (${report.date}, ${report.node}, ${conversations} concurrent conversations)`,
  '',
  'Whole pipeline (`bot.handle`) on the 意见建议 flow, 10 turns a conversation, JSON logs to /dev/null.',
  '',
  '| store | turns | seconds | turns/s | max session bytes | failed turns |',
  '|---|---|---|---|---|---|',
  row(memory),
  row(redis),
  '',
  `Baseline in the same run: Redis PING ${Math.round(pings)}/s with ${conversations} in flight; a Redis turn costs ${(pings / redis.turnsPerSecond).toFixed(1)} PINGs.`,
  `Targets: memory ≥ 20,000 turns/s, Redis ≥ 5,000 turns/s, session ≤ 2,048 bytes.`,
  '',
].join('\n');
writeFileSync(new URL('./results/engine.md', import.meta.url), md);
process.stdout.write(md);
