import { describe, expect, it } from 'vitest';
import type { DialogueSnapshot } from '../../../bot/understanding/snapshot';
import { maskSnapshot, unknownPlaceholders } from '../../../integrations/llm/mask';
import { atContactName, FLOWS } from './snapshots';

const DIGIT_RUNS = /\d{7,}|\d{3}[ -]\d{4}[ -]\d{4}/;

describe('maskSnapshot', () => {
  it('replaces ID and phone numbers (grouped ones too) by placeholders, and restores them', () => {
    const masking = maskSnapshot(atContactName);
    expect(masking.snapshot.text).toBe('我叫王芳，电话[PHONE_1]，身份证[ID_1]');
    expect([...masking.placeholders]).toEqual([
      ['[ID_1]', '11010519491231002X'],
      ['[PHONE_1]', '138 1234 5678'],
    ]);
    expect(masking.restore({ kind: 'set_slot', slot: 'phone', value: '[PHONE_1]' })).toEqual({ kind: 'set_slot', slot: 'phone', value: '138 1234 5678' });
    expect(masking.restore(masking.snapshot)).toEqual(atContactName);
  });

  it('masks every string of the snapshot: question, options, slots, flows', () => {
    const snapshot: DialogueSnapshot = {
      text: '就是刚才那个号',
      dialogue: {
        flow: { id: 'feedback', title: '意见建议' },
        question: {
          stepId: 'review',
          kind: 'confirm',
          prompt: '请核对一下：\n联系电话：13912345678\n身份证：110105 19491231 002X',
          options: [{ value: 'yes', label: '确认提交 13912345678' }],
        },
        slots: [{ name: 'phone', type: 'phone', filled: true, prompt: '电话 0571-87654321' }],
      },
      flows: FLOWS,
      services: [],
    };
    const masking = maskSnapshot(snapshot);
    expect(JSON.stringify(masking.snapshot)).not.toMatch(DIGIT_RUNS);
    expect(masking.snapshot.dialogue?.question?.prompt).toBe('请核对一下：\n联系电话：[PHONE_1]\n身份证：[ID_1]');
    // The same number is the same placeholder wherever it appears.
    expect(masking.snapshot.dialogue?.question?.options?.[0]?.label).toBe('确认提交 [PHONE_1]');
    expect(masking.snapshot.dialogue?.slots[0]?.prompt).toBe('电话 [PHONE_2]');
    expect(masking.restore(masking.snapshot)).toEqual(snapshot);
  });

  it('never hands out a placeholder the resident typed, and leaves unknown ones alone', () => {
    const masking = maskSnapshot({ text: '[PHONE_1] 是什么意思？我的是13912345678', flows: [], services: [] });
    expect(masking.snapshot.text).toBe('[PHONE_1] 是什么意思？我的是[PHONE_2]');
    expect(masking.restore('[PHONE_1] [PHONE_2] [ID_9]')).toBe('[PHONE_1] 13912345678 [ID_9]');
    expect(unknownPlaceholders('打 [PHONE_2] 或 [PHONE_3]', masking.placeholders)).toEqual(['[PHONE_3]']);
  });

  it('leaves dates, amounts and short numbers as they are', () => {
    const text = '2024年3月5日交了1500元，编号 FB-20241105-0042，第2个';
    expect(maskSnapshot({ text, flows: [], services: [] }).snapshot.text).toBe(text);
  });
});
