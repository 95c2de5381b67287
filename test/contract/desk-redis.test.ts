import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger';
import { RedisDeskEventLog } from '../../integrations/redis/handoff-events';
import { RedisHandoffStore } from '../../integrations/redis/handoff-store';
import { RedisTranscriptStore } from '../../integrations/redis/handoff-transcript';
import { RedisAuditLog, RedisStaffDirectory } from '../../integrations/redis/staff';
import type { RedisClient } from '../../integrations/redis';
import { caseFor, describeDeskContract } from './handoff.contract';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';

const connecting = connectTestRedis();
connecting.catch(() => undefined);
let client: RedisClient;
beforeEach(async () => {
  client = await connecting;
});
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

const DAY = 86_400_000;

describeDeskContract('redis', async () => {
  const prefix = testPrefix('desk');
  const logger = silentLogger();
  const options = { logger, prefix, retentionMs: 30 * DAY };
  const events = new RedisDeskEventLog(client, { logger, prefix });
  const otherEvents = new RedisDeskEventLog(client, { logger, prefix });
  return {
    // Separate objects on the same keys, as two app instances would be.
    store: new RedisHandoffStore(client, options),
    otherStore: new RedisHandoffStore(client, options),
    transcripts: new RedisTranscriptStore(client, options),
    events,
    otherEvents,
    reading: (log) => (log as RedisDeskEventLog).whenReading(),
    staff: new RedisStaffDirectory(client, { logger, prefix }),
    audit: new RedisAuditLog(client, { logger, prefix, retentionMs: 365 * DAY, now: () => Date.now() }),
    now: () => Date.now(),
    cleanup: async () => {
      await events.close();
      await otherEvents.close();
      await deleteKeys(client, prefix);
    },
  };
});

describe('desk on Redis: keys and retention', () => {
  const prefix = testPrefix('desk-keys');
  afterAll(async () => {
    await deleteKeys(client, prefix);
  });

  it('an ended case expires after the retention; the transcript expires after its own', async () => {
    const logger = silentLogger();
    const store = new RedisHandoffStore(client, { logger, prefix, retentionMs: 7 * DAY });
    const c = caseFor('ttl', Date.now());
    await store.open(c);
    expect(await client.pTTL(`${prefix}hd:case:${c.id}`)).toBe(-1);
    await store.apply(c.id, { kind: 'cancel', why: 'exit', at: Date.now() });
    const ttl = await client.pTTL(`${prefix}hd:case:${c.id}`);
    expect(ttl).toBeGreaterThan(7 * DAY - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * DAY);
    expect(await client.exists(`${prefix}hd:conv:test:ttl`)).toBe(0);
    const transcripts = new RedisTranscriptStore(client, { logger, prefix, retentionMs: 30 * DAY });
    await transcripts.append('test:ttl', [{ id: 'x', at: 1, seq: 0, from: 'bot', kind: 'text', text: '您好' }]);
    expect(await client.pTTL(`${prefix}hd:tx:test:ttl`)).toBeGreaterThan(29 * DAY);
  });

  it('a stored case that does not parse is read as absent and logged, not thrown', async () => {
    const store = new RedisHandoffStore(client, { logger: silentLogger(), prefix, retentionMs: DAY });
    await client.hSet(`${prefix}hd:case:hbrokenbroken`, { v: '1', doc: '{"not":"a case"}' });
    expect(await store.get('hbrokenbroken')).toBeUndefined();
  });
});
