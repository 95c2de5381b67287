import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { DEFAULT_FLOWS_DIR } from '../../flows/loader';
import { defineAction } from '../../flows/actions';
import type { RedisConversationLock } from '../../integrations/redis';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';

/**
 * Scale-out proof: two app instances sharing one Redis; 50 messages of one resident sent
 * alternately to both as fast as the FIFO lock lets them queue. Every message must be processed
 * exactly once, strictly in order, with no slot value lost and no reply duplicated.
 */
const prefix = testPrefix('scaleout');
const processed: { n: number; instance: string }[] = [];

function recordAction(instance: string) {
  return defineAction({
    name: 'test.record',
    description: 'records the message number and counts it',
    input: z.object({ n: z.coerce.number(), count: z.coerce.number() }),
    output: z.object({ count: z.number() }),
    async run({ n, count }) {
      // A tick of real asynchrony inside the turn, so overlapping turns would interleave here.
      await new Promise((resolve) => setImmediate(resolve));
      if (n > 0) processed.push({ n, instance });
      return { count: n > 0 ? count + 1 : 0 };
    },
  });
}

describe('two instances sharing Redis', () => {
  let a: Composed;
  let b: Composed;
  beforeAll(async () => {
    const env = { REDIS_URL, KEY_PREFIX: prefix };
    const flowsDirs = [DEFAULT_FLOWS_DIR, new URL('../fixtures/flows/scale-out', import.meta.url).pathname];
    a = await composeBot({ env, logger: silentLogger(), flowsDirs, actions: [recordAction('A')] });
    b = await composeBot({ env, logger: silentLogger(), flowsDirs, actions: [recordAction('B')] });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cleanUpPrefix(prefix);
  });

  it('processes 50 alternating messages of one resident strictly in order, losing and duplicating nothing', async () => {
    const user = `resident-${randomUUID().slice(0, 6)}`;
    const message = (text: string) => ({ kind: 'text' as const, text, id: randomUUID(), channel: 'test' as const, userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
    const start = await a.bot.handle(message('开始计数'));
    expect(start.replies.map(outboundAsText)).toEqual(['第0条已记下，请发下一条。']);

    const lock = a.stores.lock as RedisConversationLock;
    const lockKey = `conv:test:${user}`;
    const before = await lock.ticketsIssued(lockKey);
    const turns = [];
    for (let n = 1; n <= 50; n++) {
      const instance = n % 2 ? a : b;
      turns.push(instance.bot.handle(message(String(n))));
      // Send the next one as soon as this one holds its place in the conversation's queue.
      while ((await lock.ticketsIssued(lockKey)) < before + n) await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(turns);

    expect(processed.map((p) => p.n)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(processed.map((p) => p.instance))).toEqual(new Set(['A', 'B']));
    const replies = results.flatMap((r) => r.replies.map(outboundAsText));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => `第${i + 1}条已记下，请发下一条。`));
    expect(results.every((r) => !r.duplicate)).toBe(true);

    // A platform retry of any of them (same message id) runs nothing on either instance.
    const retry = await b.bot.handle({ ...message('50'), id: 'fixed-id' });
    const again = await a.bot.handle({ ...message('50'), id: 'fixed-id' });
    expect([retry.duplicate, again.duplicate]).toEqual([false, true]);
  });
});
