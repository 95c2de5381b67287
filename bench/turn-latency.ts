/**
 * One process, one code tree: the median time of a turn through `bot.handle` (memory store,
 * logs to /dev/null), conversations one after another so the figure is the turn's own cost.
 * Run by bench/understanding.ts for the current code and a baseline tree side by side:
 *
 *   node --import tsx bench/turn-latency.ts <tree root> <script name> <conversations>
 *
 * Prints one JSON line: { median, p90, turns } in microseconds.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import type { composeBot as ComposeBot } from '../bot/compose';

export const SCRIPTS: Record<string, string[]> = {
  // bench:engine's conversation: the suggestion flow, answered in numbers and plain words.
  feedback: ['我有个建议', '1', '昨天', '跳过', '大厅取号机经常坏，希望及时修一下', '跳过', '是', '跳过', '13812345678', '确认提交'],
  // A resident in their own words: a greeting first, answers in words, a change of mind.
  guide: ['您好，想问下身份证过期了怎么换', '本地户口', '满了', '没有了，谢谢', '公积金怎么取', '租房', '我自己', '没有了'],
};

async function main(): Promise<void> {
  const [root = '.', scriptName = 'feedback', count = '300'] = process.argv.slice(2);
  const script = SCRIPTS[scriptName];
  if (!script) throw new Error(`unknown script ${scriptName}`);
  // The tree under test may be another checkout: load its composition root, typed as ours.
  const { composeBot } = (await import(pathToFileURL(`${root}/bot/compose.ts`).href)) as { composeBot: typeof ComposeBot };
  const composed = await composeBot({ env: {}, logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })) });
  const times: number[] = [];
  const conversations = Number(count);
  for (let c = 0; c < conversations + 50; c++) {
    const user = `lat-${c}`;
    for (const text of script) {
      const started = performance.now();
      await composed.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
      // The first 50 conversations warm the JIT up and are not counted.
      if (c >= 50) times.push((performance.now() - started) * 1000);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))] ?? 0);
  process.stdout.write(`${JSON.stringify({ median: at(0.5), p90: at(0.9), turns: times.length })}\n`);
  await composed.close();
}

await main();
