/**
 * Micro-benchmark of a turn's Redis work, uncontended: the conversation store (claim + ticket +
 * session read in one Lua call, write + release in another) against the same work through the
 * separate ports (claim, lock acquire, get, set, release: five round trips), with a bare PING
 * loop on the same connection as the baseline.
 * Run: npm run bench:redis-lock -- [seconds-per-round]
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../bot/logger';
import { connectRedis } from '../integrations/redis/client';
import { conversationStoreFrom } from '../bot/memory';
import type { ConversationStore } from '../bot/ports';
import { RedisConversationLock } from '../integrations/redis/conversation-lock';
import { RedisConversationStore } from '../integrations/redis/conversation-store';
import { RedisDeduper } from '../integrations/redis/deduper';
import { RedisSessionStore } from '../integrations/redis/session-store';

const seconds = Number(process.argv[2] ?? 1);
const logger = silentLogger();
const client = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
const prefix = `bench:lock:${randomUUID().slice(0, 8)}:`;
const store = new RedisConversationStore(client, { logger, prefix });
const separate = conversationStoreFrom({ deduper: new RedisDeduper(client, { logger, prefix }), lock: new RedisConversationLock(client, { logger, prefix }), sessions: new RedisSessionStore(client, { logger, prefix }) });

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

let messages = 0;
const turnOn = (conversations: ConversationStore) => (worker: number) =>
  conversations.turn({ claim: `web:m${(messages += 1)}`, claimTtlSeconds: 60, conversation: `conv:web:user-${worker}`, state: `web:user-${worker}` }, async (stored) => {
    const state = (stored as { n: number } | undefined) ?? { n: 0 };
    return { result: undefined, write: { kind: 'save', value: { ...state, n: state.n + 1, stepId: 'ask-name', slots: { district: '东城区' } }, ttlSeconds: 3600 } };
  });
const oneStore = turnOn(store);
const separatePorts = turnOn(separate);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<Record<string, string | number>> = [];
for (const concurrency of [1, 200]) {
  await measure(concurrency, oneStore); // warm-up: loads the scripts, creates the keys
  await measure(concurrency, separatePorts);
  const ping: number[] = [];
  const separateTurns: number[] = [];
  const storeTurns: number[] = [];
  // Interleaved rounds, medians: the machine is shared, so single runs are noisy.
  for (let round = 0; round < 5; round += 1) {
    ping.push(await measure(concurrency, () => client.ping()));
    separateTurns.push(await measure(concurrency, separatePorts));
    storeTurns.push(await measure(concurrency, oneStore));
  }
  rows.push({
    concurrency,
    'PING/s': Math.round(median(ping)),
    'separate ports turns/s': Math.round(median(separateTurns)),
    'conversation store turns/s': Math.round(median(storeTurns)),
    'PING-equivalents/turn (separate → store)': `${(median(ping) / median(separateTurns)).toFixed(2)} → ${(median(ping) / median(storeTurns)).toFixed(2)}`,
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
