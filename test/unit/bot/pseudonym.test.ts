import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger';
import { createPseudonymiser, pseudonymiseLine } from '../../../bot/pseudonym';

const OPENID = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const p = createPseudonymiser('unit-test-key-0123456789');
const P = p(OPENID);

describe('pseudonyms', () => {
  it('are ~ and 12 letters, stable for one key, different across keys and ids', () => {
    expect(P).toMatch(/^~[a-z]{12}$/);
    expect(createPseudonymiser('unit-test-key-0123456789')(OPENID)).toBe(P);
    expect(createPseudonymiser('another-key-0123456789')(OPENID)).not.toBe(P);
    expect(p('o6_bmjrPTlm6_2sgVt7hMZOPfL2N')).not.toBe(P);
  });

  it('use a random key per process when none is configured', () => {
    expect(createPseudonymiser()(OPENID)).not.toBe(createPseudonymiser()(OPENID));
  });
});

describe('pseudonymiseLine', () => {
  it.each([
    [`{"conversation":"wechat-mp:${OPENID}"}`, `{"conversation":"wechat-mp:${P}"}`],
    [`{"userId":"${OPENID}","msg":"turn"}`, `{"userId":"${P}","msg":"turn"}`],
    [`{"msg_id":"ev:${OPENID}:1767574800:subscribe:"}`, `{"msg_id":"ev:${P}:1767574800:subscribe:"}`],
    [`{"err":{"message":"send to ${OPENID} failed"}}`, `{"err":{"message":"send to ${P} failed"}}`],
    [`{"openid":"oShort1"}`, `{"openid":"${p('oShort1')}"}`],
    [`{"conversation":"web:u-1a2b3c"}`, `{"conversation":"web:${p('u-1a2b3c')}"}`],
    [`{"conversation":"wechaty:room:R:1234:wxid_abcdefgh12"}`, `{"conversation":"wechaty:${p(`room:R:1234:${p('wxid_abcdefgh12')}`)}"}`],
    [`{"talkerId":"wmABCDEF"}`, `{"talkerId":"${p('wmABCDEF')}"}`],
    [`{"to":{"channel":"web","userId":"u-9","conversationId":"web:u-9"}}`, `{"to":{"channel":"web","userId":"${p('u-9')}","conversationId":"web:${p('u-9')}"}}`],
  ])('%s', (line, expected) => {
    expect(pseudonymiseLine(line, p)).toBe(expected);
  });

  it.each([
    '{"msg":"turn","flow":"guide","duration_ms":3.2}',
    '{"ToUserName":"gh_banshi0001"}',
    '{"resident":"o6_b***fL2M"}',
    '{"msgId":"6054768590064799999"}',
  ])('leaves %s alone', (line) => {
    expect(pseudonymiseLine(line, p)).toBe(line);
  });

  it('gives the user id and the conversation of one resident the same pseudonym', () => {
    const out = JSON.parse(pseudonymiseLine(`{"userId":"${OPENID}","conversation":"wechat-mp:${OPENID}"}`, p)) as Record<string, string>;
    expect(out.conversation).toBe(`wechat-mp:${out.userId}`);
  });

  it('keeps an OpenID with a run of digits whole, so the masker cannot cut it in half', () => {
    const openid = 'oAbc13912345678defGHIjklMNOp';
    const lines: string[] = [];
    const logger = createLogger({ pseudonymKey: 'unit-test-key-0123456789', destination: { write: (l: string) => void lines.push(l) } });
    logger.info({ conversation: `wechat-mp:${openid}` }, 'turn');
    expect(lines[0]).toContain(`"conversation":"wechat-mp:${p(openid)}"`);
    expect(lines[0]).not.toContain('5678');
  });
});
