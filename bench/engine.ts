/**
 * Engine benchmark: turns per second through the whole pipeline (`bot.handle`: dedupe, FIFO lock,
 * session load/save, normalisation, commands, the flow engine, an action, JSON logging to /dev/null)
 * for the multi-step 意见建议 flow, with many concurrent conversations, on the memory store and on
 * Redis; plus the largest session in bytes. A Redis PING loop measured in the same run is the
 * baseline for the Redis figure. Then a booking turn's cost beside a guide turn's, measured side
 * by side in the same run (the 一次性告知 of 换身份证 vs booking it: hall, day, time, person,
 * reservation). Writes bench/results/engine.{json,md}.
 *
 *   npm run bench:engine -- [--conversations 200] [--seconds 5] [--redis redis://127.0.0.1:6379]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { createClient } from 'redis';
import { ManualClock } from '../bot/clock';
import { composeBot, type Composed } from '../bot/compose';
import { SessionSchema } from '../bot/session';
import { idCheckChar } from '../flows/slots/id-number';

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

// A guide conversation (the 一次性告知 of 换身份证) and a booking of the same item, turn by turn.
const GUIDE = ['换身份证要带什么', '1', '1', '1', '没有了，谢谢'];
const GUIDE_ANSWER_TURN = 3;
const BOOKING = ['预约换身份证', '1', '1', '1', 'HALL', 'WHEN', '自己', '王建国', 'ID', '13912345678', '要', '确认预约'];
// Spread over halls, days and hours so no slot fills (500 places each in bench/booking-rules.yaml).
const HALLS = ['市中心', '头屯河区', '天山区', '沙依巴克区', '水磨沟区'];
const DAYS = ['明天', '后天', '周五', '下周一', '下周二'];
const HOURS = ['上午十点', '上午十一点', '中午十二点', '下午一点', '下午三点半', '下午四点半', '下午五点半', '晚上六点半'];

interface Side {
  script: 'guide' | 'booking';
  conversations: number;
  turns: number;
  turnsPerSecond: number;
  meanTurnMs: number;
  /** The turn that does the work: the guide's composed answer, the booking's reservation. */
  keyTurnMs: number;
  failedTurns: number;
}

/** A valid ID number for bench resident `n`, born 1985 (not 60+), so each conversation is another person. */
function benchId(n: number): string {
  const first17 = `65${String(Math.floor(n / 1000) % 10000).padStart(4, '0')}19850315${String(n % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}

/** Both scripts on one bot, half the residents each, for `seconds`; per-turn times for each. */
async function compare(store: 'memory' | 'redis', prefix: string): Promise<{ store: string; guide: Side; booking: Side }> {
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  // A frozen Tuesday: 明天 is always bookable, whatever day the bench runs.
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
  const env = { BOOKING_RULES_FILE: 'bench/booking-rules.yaml', PROGRESS_POLL_SECONDS: '0', ...(store === 'redis' ? { REDIS_URL: redisUrl, KEY_PREFIX: `${prefix}cmp:` } : {}) };
  const composed = await composeBot({ env, logger, clock });
  const sides = { guide: { turns: 0, ms: 0, key: 0, keys: 0, failed: 0, conversations: 0 }, booking: { turns: 0, ms: 0, key: 0, keys: 0, failed: 0, conversations: 0 } };
  const limit = Math.min(seconds, 4);
  const deadline = performance.now() + limit * 1000;
  const started = performance.now();
  let serial = 0;
  async function resident(index: number): Promise<void> {
    const kind = index % 2 === 0 ? 'guide' : 'booking';
    const side = sides[kind];
    while (performance.now() < deadline) {
      const n = ++serial;
      const user = `cmp-${n}`;
      const fill: Record<string, string> = { ID: benchId(n), HALL: HALLS[n % 5] ?? '', WHEN: `${DAYS[Math.floor(n / 5) % 5]}${HOURS[Math.floor(n / 25) % 8]}` };
      const script = kind === 'guide' ? GUIDE : BOOKING.map((t) => fill[t] ?? t);
      for (const [i, text] of script.entries()) {
        const t0 = performance.now();
        const result = await composed.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: clock.now() });
        const ms = performance.now() - t0;
        side.turns++;
        side.ms += ms;
        if (i === (kind === 'guide' ? GUIDE_ANSWER_TURN : script.length - 1)) {
          side.key += ms;
          side.keys++;
          const ok = kind === 'guide' ? result.effects.some((e) => e.action === 'catalog.answer' && e.ok) : result.effects.some((e) => e.action === 'booking.reserve' && e.ok) && result.replies.some((r) => r.kind === 'text' && r.text.startsWith('预约成功'));
          if (!ok) side.failed++;
        }
      }
      side.conversations++;
    }
  }
  await Promise.all(Array.from({ length: conversations }, (_, i) => resident(i)));
  const elapsed = (performance.now() - started) / 1000;
  await composed.close();
  const side = (script: 'guide' | 'booking'): Side => {
    const x = sides[script];
    return { script, conversations: x.conversations, turns: x.turns, turnsPerSecond: x.turns / elapsed, meanTurnMs: x.ms / x.turns, keyTurnMs: x.key / Math.max(1, x.keys), failedTurns: x.failed };
  };
  return { store, guide: side('guide'), booking: side('booking') };
}

const prefix = `bench:${randomUUID().slice(0, 8)}:`;
const memory = await run('memory', prefix);
const redis = await run('redis', prefix);
const pings = await pingBaseline();
const compareMemory = await compare('memory', prefix);
const compareRedis = await compare('redis', prefix);
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
  bookingBesideGuide: [compareMemory, compareRedis],
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
  `## A booking turn beside a guide turn (same run, ${conversations} residents, half on each script)`,
  '',
  'Guide: 换身份证要带什么 → three scenario answers → the composed answer (key turn) → 没有了. Booking: 预约换身份证 → materials → hall → day and time → person → the reservation (key turn: one Lua script, the YY number, the reminder job).',
  '',
  '| store | script | conversations | turns/s | mean turn ms | key turn ms | booking ÷ guide (mean turn) | booking ÷ guide (key turn) | failed key turns |',
  '|---|---|---|---|---|---|---|---|---|',
  ...[compareMemory, compareRedis].flatMap((c) => [
    `| ${c.store} | guide | ${c.guide.conversations} | ${Math.round(c.guide.turnsPerSecond)} | ${c.guide.meanTurnMs.toFixed(2)} | ${c.guide.keyTurnMs.toFixed(2)} | | | ${c.guide.failedTurns} |`,
    `| ${c.store} | booking | ${c.booking.conversations} | ${Math.round(c.booking.turnsPerSecond)} | ${c.booking.meanTurnMs.toFixed(2)} | ${c.booking.keyTurnMs.toFixed(2)} | ${(c.booking.meanTurnMs / c.guide.meanTurnMs).toFixed(2)}× | ${(c.booking.keyTurnMs / c.guide.keyTurnMs).toFixed(2)}× | ${c.booking.failedTurns} |`,
  ]),
  '',
].join('\n');
writeFileSync(new URL('./results/engine.md', import.meta.url), md);
process.stdout.write(md);
