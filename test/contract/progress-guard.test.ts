import { afterAll, describe, expect, it } from 'vitest';
import { MemoryProgressGuard, RedisProgressGuard, type ProgressGuard } from '../../integrations/govservice/progress/guard';
import { MemoryWatchStore, RedisWatchStore, type WatchStore } from '../../integrations/govservice/progress/watch';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';

const SECRET = 'guard-secret-guard-secret-guard-secret';
const LIMITS = { failures: 5, windowMs: 60 * 60_000, lockMs: 60 * 60_000 };
const connecting = connectTestRedis();
connecting.catch(() => undefined);
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

function describeGuard(name: string, make: () => Promise<{ guard: ProgressGuard; cleanup(): Promise<void> }>, realTime: boolean): void {
  describe(`ProgressGuard (${name})`, () => {
    const t0 = Date.now();
    it('five failures of one resident lock that resident, whatever the number; others are not affected', async () => {
      const { guard, cleanup } = await make();
      for (let i = 1; i <= 4; i++) expect(await guard.fail('wechat-mp:oA', `SL650100000${i}`, t0)).toEqual({ ok: true });
      expect(await guard.fail('wechat-mp:oA', 'SL6501000099', t0)).toEqual({ ok: false, until: t0 + LIMITS.lockMs });
      expect(await guard.check('wechat-mp:oA', 'SL6501000018', t0 + 1)).toMatchObject({ ok: false });
      expect(await guard.check('wechat-mp:oB', 'SL6501000018', t0 + 1)).toEqual({ ok: true });
      if (!realTime) expect(await guard.check('wechat-mp:oA', 'SL6501000018', t0 + LIMITS.lockMs + 1)).toEqual({ ok: true });
      await cleanup();
    });

    it('five failures on one number lock that number for everyone (guessing its 4 digits from many accounts)', async () => {
      const { guard, cleanup } = await make();
      for (let i = 1; i <= 4; i++) expect(await guard.fail(`wechat-mp:o${i}`, 'SL6501000042', t0)).toEqual({ ok: true });
      expect((await guard.fail('wechat-mp:o5', 'SL6501000042', t0)).ok).toBe(false);
      expect((await guard.check('wechat-mp:o6', 'SL6501000042', t0 + 1)).ok).toBe(false);
      expect(await guard.check('wechat-mp:o6', 'SL6501000018', t0 + 1)).toEqual({ ok: true });
      await cleanup();
    });
  });
}

describeGuard('memory', async () => ({ guard: new MemoryProgressGuard(SECRET, LIMITS), cleanup: async () => undefined }), false);
describeGuard(
  'redis',
  async () => {
    const client = await connecting;
    const prefix = testPrefix('guard');
    return { guard: new RedisProgressGuard(client, prefix, SECRET, LIMITS), cleanup: async () => void (await deleteKeys(client, prefix)) };
  },
  true,
);

describe('RedisProgressGuard keeps no number or resident in clear', () => {
  it('keys and values are keyed hashes, with the window and lock as TTLs', async () => {
    const client = await connecting;
    const prefix = testPrefix('guard-keys');
    const guard = new RedisProgressGuard(client, prefix, SECRET, LIMITS);
    await guard.fail('wechat-mp:oResident123', 'SL6501000042', Date.now());
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toMatch(/SL6501000042|oResident123/);
    for (const k of keys) expect(await client.pTTL(k)).toBeGreaterThan(59 * 60_000);
    await deleteKeys(client, prefix);
  });
});

function describeWatches(name: string, make: () => Promise<{ watches: WatchStore; cleanup(): Promise<void> }>): void {
  describe(`WatchStore (${name})`, () => {
    const a = { channel: 'wechat-mp' as const, userId: 'oA', conversationId: 'wechat-mp:oA' };
    const b = { channel: 'web' as const, userId: 'u-b', conversationId: 'web:u-b' };
    it('follows applications per resident, with the version each was last told', async () => {
      const { watches, cleanup } = await make();
      await watches.add('SL6501000018', a, 3, 1);
      await watches.add('SL6501000018', b, 3, 2);
      await watches.add('SL6501000042', a, 3, 3);
      expect((await watches.mine(a)).sort()).toEqual(['SL6501000018', 'SL6501000042']);
      expect(await watches.mine(b)).toEqual(['SL6501000018']);
      expect((await watches.numbers()).sort()).toEqual(['SL6501000018', 'SL6501000042']);
      await watches.seen('SL6501000018', a, 5);
      await watches.add('SL6501000018', a, 4, 9);
      const list = await watches.watchers('SL6501000018');
      expect(list.find((w) => w.address.userId === 'oA')).toMatchObject({ seen: 5, since: 1 });
      expect(list.find((w) => w.address.userId === 'u-b')).toMatchObject({ seen: 3 });
      await cleanup();
    });
  });
}

describeWatches('memory', async () => ({ watches: new MemoryWatchStore(), cleanup: async () => undefined }));
describeWatches('redis', async () => {
  const client = await connecting;
  const prefix = testPrefix('watches');
  return { watches: new RedisWatchStore(client, prefix), cleanup: async () => void (await deleteKeys(client, prefix)) };
});
