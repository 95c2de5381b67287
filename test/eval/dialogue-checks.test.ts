import { describe, expect, it } from 'vitest';
import type { EffectRecord } from '../../bot/bot';
import type { OutboundMessage } from '../../bot/message';
import { checkCase, checkExpect } from './dialogue/check';
import { mismatch } from './dialogue/match';
import { EvalCaseSchema, ExpectSchema } from './dialogue/schema';
import type { TurnRecord } from './dialogue/transcript';

/** The yardstick's own checks: each expectation passes on a conversation that meets it and fails on one that does not. */

const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });
const choices = (t: string, labels: string[]): OutboundMessage => ({ kind: 'choices', text: t, options: labels.map((label) => ({ label })) });
const effect = (action: string, input: Record<string, unknown> = {}, ok = true): EffectRecord => ({ action, input, ok });
const turn = (over: Partial<TurnRecord> = {}): TurnRecord => ({ sent: '说：…', replies: [], effects: [], reached: [], state: { flow: null, slots: {} }, ...over });

/** The unmet fields of `expect` (parsed as a file would be) on `turns`. */
const unmet = (expectation: unknown, turns: TurnRecord[]): string[] => checkExpect(ExpectSchema.parse(expectation), turns).map((f) => f.field);

// An id-card guide: begun, one scenario answer, the full answer composed, now at "anything else?".
const idCard: TurnRecord[] = [
  turn({
    sent: '说：换身份证要带啥',
    replies: [choices('您是哪种情况？', ['有效期满换领', '损坏换领', '丢失补领'])],
    effects: [effect('catalog.find', { query: '换身份证要带啥' }), effect('catalog.begin', { code: 'GA-SFZ-HL' })],
    reached: ['guide'],
    state: { flow: 'guide', slots: { code: 'x' }, guide: { code: 'GA-SFZ-HL', answers: {} } },
  }),
  turn({
    sent: '说：过期了',
    replies: [text('【居民身份证换领、补领】'), choices('还需要帮您做什么？', ['预约办理', '转人工客服', '没有了，谢谢'])],
    effects: [effect('catalog.reply'), effect('catalog.answer', { guide: { code: 'GA-SFZ-HL', answers: { occasion: 'expired' } } }), effect('catalog.nextSteps')],
    reached: ['guide'],
    state: { flow: 'guide', slots: { nextStep: null }, guide: { code: 'GA-SFZ-HL', answers: { occasion: 'expired', residence: 'local' } } },
  }),
];

describe('dialogue evaluation checks', () => {
  it('items: the exact ordered list of begun codes, alternatives per position', () => {
    expect(unmet({ items: ['GA-SFZ-HL'] }, idCard)).toEqual([]);
    expect(unmet({ items: [['GA-JSZ-HZ', 'GA-SFZ-HL']] }, idCard)).toEqual([]);
    expect(unmet({ items: [] }, idCard)).toEqual(['items']);
    expect(unmet({ items: ['GA-SFZ-HL', 'GJJ-ZF-TQ'] }, idCard)).toEqual(['items']);
    expect(unmet({ items: ['GA-JSZ-HZ'] }, idCard)).toEqual(['items']);
  });

  it('noItems: codes never begun', () => {
    expect(unmet({ noItems: ['GA-JSZ-HZ'] }, idCard)).toEqual([]);
    expect(unmet({ noItems: ['GA-JSZ-HZ', 'GA-SFZ-HL'] }, idCard)).toEqual(['noItems']);
  });

  it('reached / notReached: flows seen in any turn', () => {
    const turns = [turn({ reached: ['about', 'main-menu'] }), turn({ reached: ['feedback'] })];
    expect(unmet({ reached: ['about', 'feedback'], notReached: ['fallback'] }, turns)).toEqual([]);
    expect(unmet({ reached: ['guide'] }, turns)).toEqual(['reached']);
    expect(unmet({ notReached: ['main-menu'] }, turns)).toEqual(['notReached']);
  });

  it('flow: the dialogue after the last turn, null for none', () => {
    expect(unmet({ flow: 'guide' }, idCard)).toEqual([]);
    expect(unmet({ flow: null }, idCard)).toEqual(['flow']);
    expect(unmet({ flow: null }, [turn()])).toEqual([]);
    expect(unmet({ flow: 'feedback' }, [turn()])).toEqual(['flow']);
  });

  it('answers: the freshest guide state for the last item, else the composed answer', () => {
    expect(unmet({ items: ['GA-SFZ-HL'], answers: { occasion: 'expired', residence: 'local' } }, idCard)).toEqual([]);
    expect(unmet({ items: ['GA-SFZ-HL'], answers: { occasion: 'lost' } }, idCard)).toEqual(['answers']);
    // The guide ended (no state): the answers come from the catalog.answer effect.
    const ended = [idCard[0] as TurnRecord, { ...(idCard[1] as TurnRecord), state: { flow: null, slots: {} } }];
    expect(unmet({ items: ['GA-SFZ-HL'], answers: { occasion: 'expired' } }, ended)).toEqual([]);
    expect(unmet({ items: ['GA-SFZ-HL'], answers: { residence: 'local' } }, ended)).toEqual(['answers']);
    expect(unmet({ items: [], answers: { occasion: 'expired' } }, [turn()])).toEqual(['answers']);
  });

  it('slots: a deep partial of the running dialogue', () => {
    const turns = [turn({ state: { flow: 'feedback', slots: { topic: '其他', contact: { name: '王女士', phone: '13912345678' } } } })];
    expect(unmet({ slots: { topic: '其他', contact: { phone: '13912345678' } } }, turns)).toEqual([]);
    expect(unmet({ slots: { contact: { phone: '13800000000' } } }, turns)).toEqual(['slots']);
    expect(unmet({ slots: { topic: '其他' } }, [turn()])).toEqual(['slots']);
  });

  it('effects: in order, others in between, with partial input and ok', () => {
    const turns = [
      turn({ effects: [effect('catalog.find'), effect('catalog.begin', { code: 'A' })] }),
      turn({ effects: [effect('feedback.submit', { visitDate: '2026-11-27', detail: '等了三个小时没人管' }, false), effect('feedback.submit', { visitDate: '2026-11-27' })] }),
    ];
    expect(unmet({ effects: ['catalog.find', { action: 'feedback.submit', input: { visitDate: '2026-11-27' }, ok: true }] }, turns)).toEqual([]);
    expect(unmet({ effects: [{ action: 'feedback.submit', input: { detail: { $includes: '三个小时' } }, ok: false }] }, turns)).toEqual([]);
    expect(unmet({ effects: ['feedback.submit', 'catalog.find'] }, turns)).toEqual(['effects']);
    expect(unmet({ effects: [{ action: 'feedback.submit', input: { visitDate: '2026-11-28' } }] }, turns)).toEqual(['effects']);
    expect(unmet({ effects: ['handoff.request'] }, turns)).toEqual(['effects']);
  });

  it('noEffects: by name or by name and input', () => {
    const turns = [turn({ effects: [effect('feedback.submit', { detail: '公众号打不开' })] })];
    expect(unmet({ noEffects: ['handoff.request', { action: 'feedback.submit', input: { detail: { $includes: '刚才不是说了吗' } } }] }, turns)).toEqual([]);
    expect(unmet({ noEffects: ['feedback.submit'] }, turns)).toEqual(['noEffects']);
  });

  it('handoff and emergency: by their effects', () => {
    const turns = [turn({ effects: [effect('emergency.redirect', { rule: 'fire' }), effect('handoff.request', { reason: 'asked' }, false)] })];
    expect(unmet({ handoff: true, emergency: true }, turns)).toEqual([]);
    expect(unmet({ emergency: 'fire' }, turns)).toEqual([]);
    expect(unmet({ emergency: 'medical' }, turns)).toEqual(['emergency']);
    expect(unmet({ handoff: false, emergency: false }, turns)).toEqual(['handoff', 'emergency']);
    expect(unmet({ handoff: false, emergency: false }, [turn()])).toEqual([]);
    expect(unmet({ handoff: true, emergency: true }, [turn()])).toEqual(['handoff', 'emergency']);
  });

  it('choices: the options of the last question offered in the turn', () => {
    const turns = [turn({ replies: [text('您要办哪种证？'), choices('您要办的是下面哪一项？', ['居民身份证换领、补领', '机动车驾驶证期满换证', '都不是'])] })];
    expect(unmet({ choices: { includes: ['身份证', '驾驶证'], excludes: '意见建议', atLeast: 2, atMost: 3 } }, turns)).toEqual([]);
    expect(unmet({ choices: { includes: '居住证' } }, turns)).toEqual(['choices']);
    expect(unmet({ choices: { excludes: '都不是' } }, turns)).toEqual(['choices']);
    expect(unmet({ choices: { atMost: 2 } }, turns)).toEqual(['choices']);
    expect(unmet({ choices: { atLeast: 4 } }, turns)).toEqual(['choices']);
    expect(unmet({ choices: { atLeast: 1 } }, [turn({ replies: [text('好的')] })])).toEqual(['choices']);
  });

  it('replyIncludes / replyMatches: the last turn only; anyReplyIncludes / noReplyIncludes: the whole conversation', () => {
    expect(unmet({ replyIncludes: ['【居民身份证换领、补领】', '还需要'], replyMatches: '^【.+】$', anyReplyIncludes: '您是哪种情况', noReplyIncludes: '请回复数字选择' }, idCard)).toEqual([]);
    expect(unmet({ replyIncludes: '您是哪种情况' }, idCard)).toEqual(['replyIncludes']);
    expect(unmet({ replyMatches: '^您是' }, idCard)).toEqual(['replyMatches']);
    expect(unmet({ anyReplyIncludes: '没听懂' }, idCard)).toEqual(['anyReplyIncludes']);
    expect(unmet({ noReplyIncludes: ['没听懂', '损坏换领'] }, idCard)).toEqual(['noReplyIncludes']);
  });

  it('askedAtMost: any question, or the replies containing a fragment', () => {
    const asked = (n: number) => Array.from({ length: n }, () => turn({ replies: [text('请具体说说您的意见或建议。'), text('您是哪天去的大厅？')] }));
    expect(unmet({ askedAtMost: 1 }, asked(1))).toEqual([]);
    expect(unmet({ askedAtMost: 1 }, asked(2))).toEqual(['askedAtMost']);
    expect(unmet({ askedAtMost: { question: '请具体说说', times: 2 } }, asked(2))).toEqual([]);
    expect(unmet({ askedAtMost: { question: '请具体说说', times: 1 } }, asked(2))).toEqual(['askedAtMost']);
  });

  it('a turn’s own expect is checked right after that turn and names it', () => {
    const c = EvalCaseSchema.parse({
      name: 'x',
      turns: [{ say: '换身份证要带啥', expect: { replyIncludes: '您是哪种情况', items: [] } }, { say: '过期了' }],
      expect: { items: ['GA-SFZ-HL'] },
    });
    expect(checkCase(c, idCard)).toEqual([{ field: 'items', message: expect.stringContaining('expected items []'), turn: 1 }]);
  });

  it('reports failures in a fixed order: what was shown first', () => {
    expect(unmet({ noReplyIncludes: '损坏换领', flow: null, items: [] }, idCard)).toEqual(['items', 'flow', 'noReplyIncludes']);
  });
});

describe('deep partial matching', () => {
  it('objects match by their listed keys, lists element by element, numbers as digits', () => {
    expect(mismatch({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x', d: 2 }, e: 3 })).toBeUndefined();
    expect(mismatch({ b: { c: 'y' } }, { b: { c: 'x' } })).toContain('b.c');
    expect(mismatch([1, 2], [1, 2])).toBeUndefined();
    expect(mismatch([1], [1, 2])).toContain('expected 1 elements');
    expect(mismatch({ phone: 13912345678 }, { phone: '13912345678' })).toBeUndefined();
    expect(mismatch({ a: 'x' }, null)).toContain('expected an object');
  });

  it('operators', () => {
    expect(mismatch({ $absent: true }, undefined)).toBeUndefined();
    expect(mismatch({ $absent: true }, null)).toBeUndefined();
    expect(mismatch({ $absent: true }, '')).toBeDefined();
    expect(mismatch({ $not: '13912345678' }, '王女士')).toBeUndefined();
    expect(mismatch({ $not: '13912345678' }, '13912345678')).toBeDefined();
    expect(mismatch({ $includes: '三个小时' }, '等了三个小时没人管')).toBeUndefined();
    expect(mismatch({ $includes: '五个小时' }, '等了三个小时没人管')).toBeDefined();
    expect(mismatch({ $includes: { code: 'A' } }, [{ code: 'B' }, { code: 'A' }])).toBeUndefined();
    expect(mismatch({ $matches: '^YJ\\d+$' }, 'YJ2026120100001')).toBeUndefined();
    expect(mismatch({ $matches: '^YJ' }, 42)).toBeDefined();
    expect(mismatch({ $maxLength: 3 }, 'abcd')).toBeDefined();
    expect(mismatch({ $minLength: 100 }, 'a'.repeat(100))).toBeUndefined();
    expect(mismatch({ $oneOf: ['a', 'b'] }, 'b')).toBeUndefined();
    expect(mismatch({ $oneOf: ['a', 'b'] }, 'c')).toBeDefined();
    // A paste is not a hall: passes when the hall is absent or short, fails on the paste.
    const notPaste = { $not: { label: { $minLength: 100 } } };
    expect(mismatch(notPaste, null)).toBeUndefined();
    expect(mismatch(notPaste, { label: '市政务服务中心' })).toBeUndefined();
    expect(mismatch(notPaste, { label: '长'.repeat(1500) })).toBeDefined();
  });
});
