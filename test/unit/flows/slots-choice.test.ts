import { describe, expect, it } from 'vitest';
import { parseChoice, parseYesNo, pickOption, type ChoiceOption } from '../../../flows/slots/choice';

const OPTIONS: ChoiceOption[] = [
  { label: '办事大厅服务', synonyms: ['大厅', '窗口'] },
  { label: '网上办事和公众号', value: 'online', synonyms: ['公众号', '小程序'] },
  { label: '预约办理' },
  { label: '其他' },
];

describe('pickOption', () => {
  it.each([
    ['2', 1],
    ['2。', 1],
    ['第二个', 1],
    ['第2项', 1],
    ['二', 1],
    ['两', 1],
    ['选2', 1],
    ['选择 3', 2],
    ['2号', 1],
    ['4', 3],
    ['其他', 3],
    ['办事大厅服务', 0],
    ['online', 1],
    ['窗口', 0],
    ['我想说说公众号的事', 1],
    ['关于办事大厅服务的意见', 0],
    ['预约', 2],
    ['网上办事', 1],
  ])('%s → option #%d', (text, index) => {
    expect(pickOption(text, OPTIONS)).toBe(index);
  });

  it.each([
    ['5', 'out of range'],
    ['0', 'out of range'],
    ['第九个', 'out of range'],
    ['办事', 'part of two labels'],
    ['大厅和公众号都有问题', 'contains two options'],
    ['好', 'too short to be part of a label'],
    ['随便', 'nothing'],
  ])('%s → undefined (%s)', (text) => {
    expect(pickOption(text, OPTIONS)).toBeUndefined();
  });
});

describe('parseChoice', () => {
  it('stores the value, or the label when there is none', () => {
    expect(parseChoice('2', OPTIONS)).toEqual({ ok: true, value: 'online' });
    expect(parseChoice('窗口', OPTIONS)).toEqual({ ok: true, value: '办事大厅服务' });
  });

  it.each([
    ['9', 9],
    ['第九个', 9],
    ['选5', 5],
  ])('an out-of-range number %s names the range', (text, n) => {
    expect(parseChoice(text, OPTIONS)).toEqual({ ok: false, problem: `没有第${n}项，请回复1到4之间的数字。` });
  });

  it('other refusals leave the wording to the reprompt ladder', () => {
    expect(parseChoice('办事', OPTIONS)).toEqual({ ok: false, problem: undefined });
  });
});

describe('parseYesNo', () => {
  it.each(['是', '是的', '对', '对的', '对啊', '好', '好的', '确认', '确定', '可以', '可以的', '行', '嗯', '嗯嗯', '要', '需要', '有', 'y', 'YES', 'OK', '没错', '没问题', '1', '是的。'])(
    '%s → yes',
    (text) => {
      expect(parseYesNo(text)).toEqual({ ok: true, value: true });
    },
  );

  it.each(['否', '不', '不是', '不对', '不要', '不用', '不需要', '不需要了', '没有', '无', '算了', 'n', 'No', '2', '别了', '没必要'])('%s → no', (text) => {
    expect(parseYesNo(text)).toEqual({ ok: true, value: false });
  });

  it.each(['随便', '3', '你们几点下班'])('%s → the yes/no hint', (text) => {
    expect(parseYesNo(text)).toEqual({ ok: false, problem: '请回复“是”或“否”（也可以回复1或2）。' });
  });
});
