import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { RedisReferences, type RedisClient } from '../../integrations/redis';
import { main } from '../../integrations/govservice/workorders/cli';
import { RedisWorkOrderStore } from '../../integrations/govservice/workorders/redis-store';
import { WorkOrderService } from '../../integrations/govservice/workorders/service';
import { connectTestRedis, deleteKeys, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { filing, testDeadlines } from '../unit/workorders/fixtures';

const prefix = testPrefix('workorder-cli');
const env = { REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' };
let client: RedisClient;
let service: WorkOrderService;

beforeAll(async () => {
  client = await connectTestRedis();
  service = new WorkOrderService({ store: new RedisWorkOrderStore(client, prefix, 86_400_000), references: new RedisReferences(client, { prefix, logger: silentLogger() }), deadlines: await testDeadlines(), platform: false, clock: systemClock });
});
afterAll(async () => {
  await deleteKeys(client, prefix);
  await client.close();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['--', ...argv], env, (t) => void (out += t), (t) => void (err += t));
  return { code, out, err };
}

describe('npm run workorder', () => {
  it('carries an order from 派单 to a rated close and an appeal; list masks, show does not', async () => {
    const o = await service.file(filing({ at: Date.now(), title: '幸福路12号门口占道，电话13800138000' }));
    expect((await cli('dispatch', o.reference, '城管局', '街道办')).out).toContain('已派单');
    expect((await cli('reply', o.reference, '已安排巡查')).out).toContain('已答复');
    expect((await cli('close', o.reference)).out).toContain('已办结');
    expect((await cli('rate', o.reference, '2')).code).toBe(1); // a bad rating needs its reason
    expect((await cli('rate', o.reference, '2', '摊贩还在')).out).toContain('整改中');
    expect((await cli('appeal', o.reference, '城管局', '已按规定处理')).code).toBe(0);
    const listed = await cli('list', '--rectification');
    expect(listed.out).toContain(o.reference);
    expect(listed.out).toContain('138****8000');
    expect(listed.out).not.toContain('13800138000');
    const shown = JSON.parse((await cli('show', o.reference)).out) as { filing: { contact: { phone: string } }; rating: { appeal: { by: string } }; history: { to: string }[] };
    expect(shown.filing.contact.phone).toBe('13800138000');
    expect(shown.rating.appeal.by).toBe('城管局');
    expect(shown.history.map((h) => h.to)).toEqual(['受理', '派单', '办理', '答复', '办结', '评价', '整改', '整改']);
  });

  it('stops and restarts the clock, and extends the deadline once', async () => {
    const o = await service.file(filing({ at: Date.now() }));
    expect((await cli('hold', o.reference, '等待居民补充材料')).code).toBe(0);
    expect((await cli('hold', o.reference, '再停一次')).err).toMatch(/stopped already/);
    expect((await cli('resume', o.reference)).code).toBe(0);
    expect((await cli('extend', o.reference, '3', '需要联合检测')).code).toBe(0);
    expect((await cli('extend', o.reference, '3', '再延')).err).toMatch(/extended already/);
    expect((await cli('extend', o.reference, '半天', '理由')).code).toBe(2);
    const shown = JSON.parse((await cli('show', o.reference)).out) as { deadline: { extension: { workdays: number }; pauses: { to?: number }[] } };
    expect(shown.deadline.extension.workdays).toBe(3);
    expect(shown.deadline.pauses.every((p) => p.to !== undefined)).toBe(true);
  });

  it('says why it refuses: a move the lifecycle does not allow, no such order, usage', async () => {
    const o = await service.file(filing({ at: Date.now() }));
    expect(await cli('visit', o.reference)).toMatchObject({ code: 1, err: expect.stringMatching(/受理 → 回访 refused/) });
    expect(await cli('show', 'GD20261201999999')).toMatchObject({ code: 1, err: expect.stringMatching(/no work order/) });
    expect((await cli('rate', o.reference, '7')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('list', '--status', '完成')).code).toBe(2);
  });

  it('needs Redis, and says so', async () => {
    let err = '';
    expect(await main(['list'], { LOG_LEVEL: 'silent' }, () => undefined, (t) => void (err += t))).toBe(1);
    expect(err).toMatch(/REDIS_URL is not set/);
    err = '';
    expect(await main(['list'], { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' }, () => undefined, (t) => void (err += t))).toBe(1);
    expect(err).toMatch(/not reachable/);
  });
});
