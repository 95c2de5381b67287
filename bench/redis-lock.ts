/**
 * Micro-benchmark of the uncontended turn path on Redis: lock.run(get session, set session)
 * per turn, against a bare PING loop on the same connection as the baseline.
 * Run: npm run bench:redis-lock -- [seconds-per-round]
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../bot/logger';
import { connectRedis } from '../integrations/redis/client';
import { RedisConversationLock } from '../integrations/redis/conversation-lock';
import { RedisSessionStore } from '../integrations/redis/session-store';

const seconds = Number(process.argv[2] ?? 1);
const logger = silentLogger();
const client = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
const prefix = `bench:lock:${randomUUID().slice(0, 8)}:`;
const lock = new RedisConversationLock(client, { logger, prefix });
const sessions = new RedisSessionStore(client, { logger, prefix });

/** Runs `op(worker)` in `concurrency` sequential loops for `seconds`; returns ops/s. */
async function measure(concurrency: number, op: (worker: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        await op(worker);
        ops += 1;
      }
    }),
  );
  return ops / ((performance.now() - start) / 1000);
}

const turn = (worker: number) =>
  lock.run(`web:user-${worker}`, async () => {
    const state = ((await sessions.get(`web:user-${worker}`)) as { n: number } | undefined) ?? { n: 0 };
    await sessions.set(`web:user-${worker}`, { ...state, n: state.n + 1, stepId: 'ask-name', slots: { district: '东城区' } }, 3600);
  });

/** The same four round trips as a turn, as plain commands: what the Lua lock costs on top. */
const fourPlain = async (worker: number) => {
  await client.get(`${prefix}plain:${worker}:a`);
  await client.get(`${prefix}plain:${worker}:b`);
  await client.set(`${prefix}plain:${worker}:b`, '{"n":1}', { expiration: { type: 'EX', value: 60 } });
  await client.get(`${prefix}plain:${worker}:a`);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<Record<string, string | number>> = [];
for (const concurrency of [1, 200]) {
  await measure(concurrency, turn); // warm-up: loads the scripts, creates the keys
  const ping: number[] = [];
  const plain: number[] = [];
  const turns: number[] = [];
  // Interleaved rounds, medians: the machine is shared, so single runs are noisy.
  for (let round = 0; round < 5; round += 1) {
    ping.push(await measure(concurrency, () => client.ping()));
    plain.push(await measure(concurrency, fourPlain));
    turns.push(await measure(concurrency, turn));
  }
  rows.push({
    concurrency,
    'PING/s': Math.round(median(ping)),
    '4 plain cmds/s': Math.round(median(plain)),
    'lock+get+set turns/s': Math.round(median(turns)),
    'PING-equivalents/turn': +(median(ping) / median(turns)).toFixed(2),
  });
}
console.table(rows);

let cursor = '0';
do {
  const reply = await client.scan(cursor, { MATCH: `${prefix}*`, COUNT: 1000 });
  cursor = String(reply.cursor);
  if (reply.keys.length > 0) await client.del(reply.keys);
} while (cursor !== '0');
await client.close();
