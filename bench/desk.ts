/**
 * What the agent desk costs the bot: turns per second through `bot.handle` on the 意见建议 flow with
 * HUMAN_AGENTS=off (the baseline, same run) and =on (every turn also appended to the
 * conversation's transcript), on memory and on Redis, alternating rounds so load drift hits both.
 * Writes bench/results/desk.{json,md}.
 *
 *   npm run bench:desk -- [--conversations 200] [--seconds 4] [--rounds 2] [--redis redis://127.0.0.1:6379]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { createClient } from 'redis';
import { composeBot } from '../bot/compose';
import { ALWAYS_OPEN } from '../bot/handoff/office-hours';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]?.replace(/^--/, '') ?? '', process.argv[i + 1] ?? '');
const conversations = Number(args.get('conversations') ?? 200);
const seconds = Number(args.get('seconds') ?? 4);
const rounds = Number(args.get('rounds') ?? 2);
const redisUrl = args.get('redis') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const SCRIPT = ['我有个建议', '1', '昨天', '跳过', '大厅取号机经常坏，希望及时修一下', '跳过', '是', '跳过', '13812345678', '确认提交'];

async function turnsPerSecond(store: 'memory' | 'redis', agents: 'on' | 'off', prefix: string): Promise<number> {
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const env = { HUMAN_AGENTS: agents, ...(store === 'redis' ? { REDIS_URL: redisUrl, KEY_PREFIX: prefix } : {}) };
  const composed = await composeBot({ env, logger, officeHours: ALWAYS_OPEN });
  let turns = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: conversations }, async (_, index) => {
      let round = 0;
      while (performance.now() < deadline) {
        const user = `bench-${agents}-${index}-${round++}`;
        for (const text of SCRIPT) {
          await composed.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
          turns++;
        }
      }
    }),
  );
  const rate = turns / ((performance.now() - started) / 1000);
  await composed.close();
  return rate;
}

const prefix = `bench:desk:${randomUUID().slice(0, 8)}:`;
const results: Record<string, { off: number[]; on: number[] }> = { memory: { off: [], on: [] }, redis: { off: [], on: [] } };
for (let r = 0; r < rounds; r++) {
  for (const store of ['memory', 'redis'] as const) {
    for (const agents of r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) results[store]![agents].push(await turnsPerSecond(store, agents, prefix));
  }
}
const client = createClient({ url: redisUrl });
await client.connect();
for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await client.del(keys);
await client.quit();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const report = {
  date: new Date().toISOString(),
  node: process.version,
  conversations,
  rounds,
  memory: { offTurnsPerSecond: mean(results.memory!.off), onTurnsPerSecond: mean(results.memory!.on), ratio: mean(results.memory!.on) / mean(results.memory!.off) },
  redis: { offTurnsPerSecond: mean(results.redis!.off), onTurnsPerSecond: mean(results.redis!.on), ratio: mean(results.redis!.on) / mean(results.redis!.off) },
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/desk.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
const row = (store: 'memory' | 'redis') => `| ${store} | ${Math.round(report[store].offTurnsPerSecond)} | ${Math.round(report[store].onTurnsPerSecond)} | ${report[store].ratio.toFixed(2)} |`;
const md = [
  `# Desk benchmark (${report.date}, ${report.node}, ${conversations} concurrent conversations, ${rounds} alternating rounds)`,
  '',
  'Whole pipeline (`bot.handle`) on the 意见建议 flow; HUMAN_AGENTS=on also appends every turn to its transcript.',
  '',
  '| store | turns/s off (baseline) | turns/s on | on ÷ off |',
  '|---|---|---|---|',
  row('memory'),
  row('redis'),
  '',
].join('\n');
writeFileSync(new URL('./results/desk.md', import.meta.url), md);
process.stdout.write(md);
