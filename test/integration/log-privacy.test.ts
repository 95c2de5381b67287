import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { composeBot, type Composed } from '../../bot/compose';
import { createLogger } from '../../bot/logger';
import type { InboundMessage } from '../../bot/message';
import { createPseudonymiser } from '../../bot/pseudonym';
import { defineAction } from '../../flows/actions';
import { DEFAULT_FLOWS_DIR } from '../../flows/loader';

/**
 * What a composed bot writes to its log during a realistic conversation: a resident on the
 * official account (a real-shaped OpenID) follows, gives an ID number, a phone and an address
 * (written the way residents write them), and a backend fails with an error that echoes them.
 */
const OPENID = 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc';
const KEY = 'test-pseudonym-key-0123456789';
const SECRETS = ['11010519491231002X', '1949123100', '13912345678', '1234.5678', '1234', '淮海中路123弄4号501室', '123弄', '501室', OPENID, 'vTYAX3GLc'];

/** A registration backend that refuses and, like many vendor SDKs, repeats the request in its error. */
const register = defineAction({
  name: 'test.register',
  description: 'files a registration (always refuses, echoing its input)',
  input: z.object({ idNumber: z.string(), phone: z.string(), address: z.string() }),
  output: z.object({ ok: z.boolean() }),
  async run(input) {
    throw new Error(`registration refused for ${JSON.stringify(input)} (resident ${OPENID})`);
  },
});

describe('log lines of a composed bot keep residents private', () => {
  let composed: Composed;
  const lines: string[] = [];
  let n = 0;
  const send = (fields: Partial<InboundMessage> & Pick<InboundMessage, 'kind'>) =>
    composed.bot.handle({
      id: `6054768590064${String(++n).padStart(6, '0')}`,
      channel: 'wechat-mp',
      userId: OPENID,
      conversationId: `wechat-mp:${OPENID}`,
      receivedAt: Date.UTC(2026, 0, 5, 1),
      ...fields,
    } as InboundMessage);

  beforeAll(async () => {
    const logger = createLogger({ level: 'debug', pseudonymKey: KEY, destination: { write: (line: string) => void lines.push(line) } });
    composed = await composeBot({
      env: { LOG_LEVEL: 'debug', LOG_PSEUDONYM_KEY: KEY },
      logger,
      flowsDirs: [DEFAULT_FLOWS_DIR, fileURLToPath(new URL('../fixtures/flows/privacy', import.meta.url))],
      actions: [register],
    });
    await send({ kind: 'subscribe', id: `ev:${OPENID}:1767574800:subscribe:` });
    await send({ kind: 'text', text: '测试登记' });
    await send({ kind: 'text', text: '11010519491231002X' });
    await send({ kind: 'text', text: '139 1234 5678' });
    const filed = await send({ kind: 'text', text: '上海市黄浦区淮海中路123弄4号501室' });
    expect(filed.replies.map((r) => ('text' in r ? r.text : '')).join('')).toContain('没有保存');
  });

  afterAll(async () => {
    await composed?.close();
  });

  it('logs every turn and the backend failure', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l.msg === 'turn')).toHaveLength(5);
    expect(parsed.some((l) => l.msg === 'action failed')).toBe(true);
  });

  it('contains no ID number, phone, address or OpenID in clear', () => {
    const all = lines.join('');
    for (const secret of SECRETS) expect(all, secret).not.toContain(secret);
  });

  it('names the resident by the same keyed pseudonym in every line', () => {
    const pseudonym = createPseudonymiser(KEY)(OPENID);
    expect(pseudonym).toMatch(/^~[a-z]{12}$/);
    const turns = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'turn');
    for (const turn of turns) expect(turn.conversation).toBe(`wechat-mp:${pseudonym}`);
    // The failure's message keeps what an operator needs, with the personal parts masked.
    const failure = lines.find((l) => l.includes('action failed'));
    expect(failure).toContain(`resident ${pseudonym}`);
    expect(failure).toContain('110*************2X');
    expect(failure).toContain('139****5678');
    expect(failure).toContain('淮海中路***');
  });

  it('logs an emergency at info, not as a warning', async () => {
    const before = lines.length;
    const result = await send({ kind: 'text', text: '家里着火了' });
    expect(result.replies.map((r) => ('text' in r ? r.text : '')).join('')).toContain('119');
    const line = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'emergency redirected');
    expect(line).toMatchObject({ level: 30, rule: expect.any(String) });
  });
});

describe('npm run log:pseudonym', () => {
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)('npx', ['tsx', 'bot/log-pseudonym.ts', ...args], { env: { ...process.env, LOG_PSEUDONYM_KEY: '', ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('prints the pseudonym an id has in the logs with the configured key, and refuses without a key', async () => {
    const ok = await run(['--', OPENID], { LOG_PSEUDONYM_KEY: KEY });
    expect(ok).toMatchObject({ code: 0, stdout: `${createPseudonymiser(KEY)(OPENID)}\n` });
    const keyless = await run([OPENID], {});
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('LOG_PSEUDONYM_KEY is not set');
  });
});
