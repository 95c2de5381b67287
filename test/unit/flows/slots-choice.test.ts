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

describe('pickOption in words (lexicon word groups, negation, sound)', () => {
  const OCCASION: ChoiceOption[] = [{ label: '有效期满换领', value: 'expired' }, { label: '损坏换领', value: 'damaged' }, { label: '丢失补领', value: 'lost' }];
  it.each([
    ['过期了', 0],
    ['快到期了', 0],
    ['用了十年了该换了', 0],
    ['坏了刷不出来', 1],
    ['不是丢的，是坏了', 1],
    ['没丢，过期了', 0],
    ['找不到了', 2],
    ['被偷了', 2],
    ['过其了', 0],
    ['孙坏', 1],
    ['丢失', 2],
    ['选第二个吧', 1],
    ['就第一个', 0],
  ])('%s → option #%d', (text, index) => {
    expect(pickOption(text, OCCASION)).toBe(index);
  });

  it.each([
    ['不是丢的', 'two options remain'],
    ['丢了也坏了', 'two options meant'],
    ['不知道', 'nothing'],
  ])('%s → undefined (%s)', (text) => {
    expect(pickOption(text, OCCASION)).toBeUndefined();
  });

  it('phrases that carry their own negation belong to their group ("不是本地户口" is 外地)', () => {
    const residence: ChoiceOption[] = [{ label: '在户籍地（本市户口）办理', value: 'local' }, { label: '在外地（非户籍地）办理', value: 'remote' }];
    expect(pickOption('不是本地户口', residence)).toBe(1);
    expect(pickOption('外地的', residence)).toBe(1);
    expect(pickOption('本地户口', residence)).toBe(0);
    expect(pickOption('户口在老家', residence)).toBe(1);
  });

  it('age in words', () => {
    const age: ChoiceOption[] = [{ label: '已满16周岁', value: 'adult' }, { label: '未满16周岁', value: 'minor' }];
    expect(pickOption('给孩子办', age)).toBe(1);
    expect(pickOption('没满16', age)).toBe(1);
    expect(pickOption('大人', age)).toBe(0);
    expect(pickOption('我自己，成年了', age)).toBe(0);
  });
});

describe('parseYesNo in sentences', () => {
  it.each([
    ['好的，麻烦尽快联系我', true],
    ['行吧', true],
    ['要的', true],
    ['不用了谢谢', false],
    ['不了', false],
  ])('%s → %s', (text, value) => {
    expect(parseYesNo(text)).toEqual({ ok: true, value });
  });
  it.each(['要带什么材料', '好像要多久'])('%s is a question, not a yes', (text) => {
    expect(parseYesNo(text).ok).toBe(false);
  });
});

describe('pickOption by age, clauses and group contamination', () => {
  const age: ChoiceOption[] = [{ label: '已满16周岁', value: 'adult' }, { label: '未满16周岁', value: 'minor' }];
  it.each([
    ['没满，才12岁', 1],
    ['孩子15岁', 1],
    ['我都60岁了', 0],
    ['满了', 0],
    ['还没满', 1],
    ['我七十多了', 0],
    ['都八十了', 0],
  ])('%s → option #%d', (text, index) => {
    expect(pickOption(text, age)).toBe(index);
  });

  it('one clause may pick the option on its own ("腿脚不好，肢体的")', () => {
    const kinds: ChoiceOption[] = [{ label: '视力、听力、言语或肢体残疾', value: 'physical' }, { label: '智力或精神残疾', value: 'mental' }];
    expect(pickOption('腿脚不好，肢体的', kinds)).toBe(0);
  });

  it('a synonym containing a group word does not bring the group ("大学生" is not a child)', () => {
    const category: ChoiceOption[] = [
      { label: '投靠亲属落户', value: 'family', synonyms: ['投靠', '随迁'] },
      { label: '人才引进或高校毕业生落户', value: 'talent', synonyms: ['毕业生', '大学生'] },
    ];
    expect(pickOption('投奔我儿子', category)).toBeUndefined();
    expect(pickOption('刚毕业的大学生', category)).toBe(1);
  });
});
