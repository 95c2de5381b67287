import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import {
  createRedisPorts,
  redisHealthCheck,
  RedisConversationLock,
  RedisConversationStore,
  RedisSessionStore,
  RedisVersionedStore,
  type RedisClient,
} from '../../integrations/redis';
import { describePortsContract, type PortsHarness } from './ports.contract';
import { describeReferencesContract } from './references.contract';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';

// Connected once; every test awaits it, so an unreachable Redis fails each test (never skips).
const connecting = connectTestRedis();
connecting.catch(() => undefined);
let client: RedisClient;
beforeEach(async () => {
  client = await connecting;
});
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

async function redisHarness(): Promise<PortsHarness> {
  const prefix = testPrefix('contract');
  const { logger } = capturedLogger();
  const ports = createRedisPorts(client, { logger, prefix });
  return {
    sessions: ports.sessions,
    deduper: ports.deduper,
    versions: ports.versions,
    references: ports.references,
    // Each call is a separate lock object on the same keys, as two app instances would be.
    lock: ({ leaseMs = 30_000 } = {}) => new RedisConversationLock(client, { logger, prefix, leaseMs }),
    conversations: ({ leaseMs = 30_000 } = {}) => new RedisConversationStore(client, { logger, prefix, leaseMs }),
    // TTLs are kept by the server, so time must really pass.
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: async () => void (await deleteKeys(client, prefix)),
  };
}

describePortsContract('redis', redisHarness);
describeReferencesContract('redis', redisHarness);

describe('redis adapters: Redis-specific behaviour', () => {
  const prefix = testPrefix('redis-adapters');
  afterAll(async () => {
    await deleteKeys(client, prefix);
  });

  it('writes the key names and TTLs of docs/redis-keys.md', async () => {
    const { logger } = capturedLogger();
    const ports = createRedisPorts(client, { logger, prefix, leaseMs: 5_000 });
    await ports.sessions.set('web:u1', { a: 1 }, 120);
    await ports.deduper.claim('wechat-mp:m1', 300);
    await ports.lock.run('web:u1', async () => undefined);
    await ports.versions.put('flows', 'booking', 1, { v: 1 });
    expect(await client.get(`${prefix}sess:web:u1`)).toBe('{"a":1}');
    expect(await client.ttl(`${prefix}sess:web:u1`)).toBeGreaterThan(100);
    expect(await client.ttl(`${prefix}dedup:wechat-mp:m1`)).toBeGreaterThan(200);
    expect(await client.get(`${prefix}lock:web:u1:ticket`)).toBe('1');
    expect(await client.hGet(`${prefix}lock:web:u1:serving`, 'n')).toBe('1');
    // Lock keys expire with the conversation: TTL max(4 × lease, 60 s).
    expect(await client.pTTL(`${prefix}lock:web:u1:ticket`)).toBeGreaterThan(50_000);
    expect(await client.pTTL(`${prefix}lock:web:u1:serving`)).toBeGreaterThan(50_000);
    expect(await client.hGet(`${prefix}ver:flows:booking:docs`, '1')).toBe('{"v":1}');
    expect(await client.zRange(`${prefix}ver:flows:booking:versions`, 0, -1)).toEqual(['1']);
    expect(await client.sMembers(`${prefix}ver:flows:ids`)).toEqual(['booking']);
    expect(await client.ttl(`${prefix}ver:flows:booking:docs`)).toBe(-1);
    const reference = await ports.references.issue('suggestion', 'wechat-mp:m1:feedback:submit', Date.parse('2026-12-01T10:00:00+08:00'));
    expect(await client.get(`${prefix}ref:YJ:20261201`)).toBe('1');
    expect(await client.get(`${prefix}ref:YJ:key:wechat-mp:m1:feedback:submit`)).toBe('20261201:1');
    expect(reference.startsWith('YJ2026120100001')).toBe(true);
    for (const key of [`${prefix}ref:YJ:20261201`, `${prefix}ref:YJ:key:wechat-mp:m1:feedback:submit`]) {
      expect(await client.ttl(key)).toBeGreaterThan(3 * 86_400 - 60);
    }
  });

  it('reads a corrupt session or document as absent and logs it', async () => {
    const { logger, lines } = capturedLogger();
    const sessions = new RedisSessionStore(client, { logger, prefix });
    const versions = new RedisVersionedStore(client, { logger, prefix });
    await client.set(`${prefix}sess:broken`, '{not json', { expiration: { type: 'EX', value: 60 } });
    await client.hSet(`${prefix}ver:flows:broken:docs`, '1', '{also not json');
    await client.zAdd(`${prefix}ver:flows:broken:versions`, { score: 1, value: '1' });
    expect(await sessions.get('broken')).toBeUndefined();
    expect(await versions.get('flows', 'broken', 1)).toBeUndefined();
    expect(await versions.latest('flows', 'broken')).toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual([
      'RedisSessionStore.get(): stored value is not JSON; treated as absent',
      'RedisVersionedStore: stored document is not JSON; treated as absent',
      'RedisVersionedStore: stored document is not JSON; treated as absent',
    ]);
    expect(lines[0]).toMatchObject({ level: 50, key: 'broken' });
  });

  it('skips a ticket taken by an instance that died before running, after the lease', async () => {
    const { logger } = capturedLogger();
    const lock = new RedisConversationLock(client, { logger, prefix, leaseMs: 300 });
    // A crashed instance: took ticket 1 and vanished. serving starts at 0, so ticket 1 holds the turn.
    await client.incr(`${prefix}lock:dead:ticket`);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => lock.run('dead', async () => void order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(await lock.ticketsIssued('dead')).toBe(4);
    expect(await client.hGet(`${prefix}lock:dead:serving`, 'n')).toBe('4');
  });

  it('logs a holder that finishes after its lease was taken over, without disturbing the next holder', async () => {
    const { logger, lines } = capturedLogger();
    const lock = new RedisConversationLock(client, { logger, prefix, leaseMs: 100 });
    let finishSlow!: () => void;
    const slowMayFinish = new Promise<void>((resolve) => (finishSlow = resolve));
    const slow = lock.run('late', () => slowMayFinish.then(() => 'slow'));
    expect(await lock.run('late', async () => 'next')).toBe('next');
    finishSlow();
    expect(await slow).toBe('slow');
    expect(lines.map((l) => l.msg)).toContain('RedisConversationLock: lease lapsed before release; nothing of the turn was written');
    expect(await client.hGet(`${prefix}lock:late:serving`, 'n')).toBe('2');
  });

  it('a conversation turn uses the dedup:, lock: and sess: keys the separate ports use', async () => {
    const { logger } = capturedLogger();
    const store = new RedisConversationStore(client, { logger, prefix });
    const keys = { claim: 'wechat-mp:m9', claimTtlSeconds: 300, conversation: 'conv:wechat-mp:o1', state: 'wechat-mp:o1' };
    await store.turn(keys, async () => ({ result: 1, write: { kind: 'save', value: { a: 1 }, ttlSeconds: 120 } }));
    expect(await client.get(`${prefix}sess:wechat-mp:o1`)).toBe('{"a":1}');
    expect(await client.ttl(`${prefix}sess:wechat-mp:o1`)).toBeGreaterThan(100);
    expect(await client.ttl(`${prefix}dedup:wechat-mp:m9`)).toBeGreaterThan(200);
    expect(await client.hGet(`${prefix}lock:conv:wechat-mp:o1:serving`, 'n')).toBe('1');
    const sessions = new RedisSessionStore(client, { logger, prefix });
    expect(await sessions.get('wechat-mp:o1')).toEqual({ a: 1 });
  });

  it('runs a message whose first attempt died (an instance crashed mid-turn) once its lease lapses', async () => {
    const { logger } = capturedLogger();
    const crashed = new RedisConversationStore(client, { logger, prefix, leaseMs: 200 });
    const survivor = new RedisConversationStore(client, { logger, prefix, leaseMs: 200 });
    const keys = { claim: 'wechat-mp:crash-1', claimTtlSeconds: 60, conversation: 'conv:crash', state: 'crash' };
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The first attempt claims the message and takes the turn, then never finishes (its process is gone).
    void crashed.turn(keys, () => {
      started();
      return new Promise<never>(() => undefined);
    });
    await running;
    // The platform's retry reaches another instance: it waits for the lease, then handles the message.
    const retry = await survivor.turn(keys, async (state) => ({ result: state ?? 'fresh', write: { kind: 'save', value: 'handled by the retry', ttlSeconds: 60 } }));
    expect(retry).toEqual({ duplicate: false, result: 'fresh' });
    expect(await client.get(`${prefix}sess:crash`)).toBe('"handled by the retry"');
    expect(await client.get(`${prefix}dedup:wechat-mp:crash-1`)).toMatch(/^done:/);
    // Further retries are duplicates at once.
    expect(await survivor.turn(keys, async () => ({ result: 'again', write: { kind: 'keep' } }))).toEqual({ duplicate: true });
  });

  it('drops the write of a turn whose lease was taken over and says so; reads a corrupt session as absent', async () => {
    const { logger, lines } = capturedLogger();
    const store = new RedisConversationStore(client, { logger, prefix, leaseMs: 100 });
    const keys = (claim: string) => ({ claim, claimTtlSeconds: 60, conversation: 'conv:slow', state: 'slow' });
    let finishSlow!: () => void;
    const slowMayFinish = new Promise<void>((resolve) => (finishSlow = resolve));
    const slow = store.turn(keys('s1'), () => slowMayFinish.then(() => ({ result: 'slow', write: { kind: 'save', value: 'from the slow turn', ttlSeconds: 60 } })));
    const next = await store.turn(keys('s2'), async () => ({ result: 'next', write: { kind: 'save', value: 'from the next turn', ttlSeconds: 60 } }));
    expect(next).toEqual({ duplicate: false, result: 'next' });
    finishSlow();
    await expect(slow).rejects.toMatchObject({ name: 'TurnNotSavedError', reason: 'lease-lapsed' });
    expect(await client.get(`${prefix}sess:slow`)).toBe('"from the next turn"');
    expect(lines.find((l) => l.msg === 'RedisConversationLock: lease lapsed before release; nothing of the turn was written')).toMatchObject({ droppedWrite: 'save' });

    await client.set(`${prefix}sess:slow`, '{not json', { expiration: { type: 'EX', value: 60 } });
    expect(await store.turn(keys('s3'), async (state) => ({ result: state, write: { kind: 'keep' } }))).toEqual({ duplicate: false, result: undefined });
    expect(lines.map((l) => l.msg)).toContain('RedisConversationStore: stored session is not JSON; treated as absent');
  });

  it('reports health with PING, and fails once the client is closed', async () => {
    const own = await connectTestRedis();
    const health = redisHealthCheck(own);
    expect(health.name).toBe('redis');
    await expect(health.check()).resolves.toBeUndefined();
    await own.close();
    await expect(health.check()).rejects.toThrow('redis: not connected');
  });
});
