import { describe, expect, it } from 'vitest';
import { advance, startFlow } from '../../../flows/engine';
import { parseFullName, findFullNameIn } from '../../../flows/slots/full-name';
import type { EngineResult, Json } from '../../../flows/types';
import { ctx, flowsOf, frozen, say, texts } from './engine-helpers';

// Tue 2026-12-01: the days offered are Wed 2, Thu 3 and Mon 7; Fri 4 is listed as full.
const days: { [key: string]: Json }[] = [
  { label: '12月2日（周三，明天）', value: '2026-12-02' },
  { label: '12月3日（周四，后天）', value: '2026-12-03' },
  { label: '12月4日（周五）', value: '2026-12-04', unavailable: '12月4日（周五）已经约满了。' },
  { label: '12月7日（下周一）', value: '2026-12-07', synonyms: ['最晚的'] },
];
const slots: { [key: string]: Json }[] = [
  { label: '10:00-11:00', value: '10:00', end: '11:00' },
  { label: '11:00-12:00', value: '11:00', end: '12:00', unavailable: '11:00-12:00 已经约满了。' },
  { label: '13:00-14:00', value: '13:00', end: '14:00' },
  { label: '15:30-16:30', value: '15:30', end: '16:30' },
  { label: '16:30-17:30', value: '16:30', end: '17:30' },
];

const flows = flowsOf({
  id: 'slot',
  version: 1,
  title: '选时间',
  params: ['days', 'slots'],
  steps: [
    { id: 'day', kind: 'ask', slot: 'date', type: 'date', notPast: true, optionsFrom: 'days', prompt: '哪天？' },
    { id: 'time', kind: 'ask', slot: 'time', type: 'time', optionsFrom: 'slots', prompt: '几点？' },
    { id: 'who', kind: 'ask', slot: 'person', type: 'fullName', prompt: '办理人姓名？' },
    { id: 'done', kind: 'end', text: '{{date}} {{time}} {{person}}' },
  ],
});

function run(answers: string[], first?: string): EngineResult {
  let result = startFlow(flows, 'slot', ctx, { days, slots }, [], first);
  for (const answer of answers) {
    const input = frozen(result.frames);
    result = advance(flows, input.frames, say(answer), ctx);
    input.unchanged();
  }
  return result;
}

const slotsOf = (r: EngineResult) => r.frames.at(-1)?.slots ?? {};

describe('engine: date and time questions with offered values', () => {
  it('offers the available values as numbered choices, leaving the unavailable ones out', () => {
    const result = run([]);
    expect(result.replies).toEqual([{ kind: 'choices', text: '哪天？', options: [days[0], days[1], days[3]].map((d) => ({ label: d?.label, value: d?.value })) }]);
  });

  it.each([
    ['2', '2026-12-03'],
    ['明天', '2026-12-02'],
    ['后天吧', '2026-12-03'],
    ['周四', '2026-12-03'],
    ['下周一', '2026-12-07'],
    ['12月7号', '2026-12-07'],
    ['最晚的', '2026-12-07'],
    ['那就3号吧', '2026-12-03'],
    ['我周三要上班，周四可以', '2026-12-03'],
    ['明天不行，下周一吧', '2026-12-07'],
  ])('"%s" picks %s', (answer, date) => {
    expect(slotsOf(run([answer]))).toMatchObject({ date });
  });

  it('a listed-but-unavailable day gets its reason; a day not offered gets the generic one', () => {
    expect(texts(run(['周五']))[0]).toBe('12月4日（周五）已经约满了。');
    expect(texts(run(['12月5日']))[0]).toBe('12月5日（周六）不在可选的日子里，请从下面选一个。');
    expect(texts(run(['9']))[0]).toBe('没有第9项，请回复1到3之间的数字。');
    expect(texts(run(['2月31日']))[0]).toContain('2月没有31日');
  });

  it.each([
    ['下午三点半', '15:30'],
    ['四点', '15:30'],
    ['4点半', '16:30'],
    ['10点', '10:00'],
    ['上午', '10:00'],
    ['下午', '13:00'],
    ['1点', '13:00'],
    ['第四个', '16:30'],
  ])('time "%s" picks the slot starting %s', (answer, time) => {
    expect(slotsOf(run(['明天', answer]))).toMatchObject({ date: '2026-12-02', time });
  });

  it('a time inside an unavailable slot gets its reason; one in no slot the generic one', () => {
    expect(texts(run(['明天', '11点半']))[0]).toBe('11:00-12:00 已经约满了。');
    expect(texts(run(['明天', '晚上']))[0]).toBe('晚上没有可选的时段了，请从下面选一个。');
    expect(texts(run(['明天', '14:30']))[0]).toBe('14:30不在可选的时段里，请从下面选一个。');
    expect(texts(run(['明天', '三点']))[0]).toBe('15:00不在可选的时段里，请从下面选一个。');
  });

  it('a day and a period said first are checked when their questions come', () => {
    const result = run([], '我想约明天上午');
    expect(slotsOf(result)).toMatchObject({ date: '2026-12-02', time: '10:00' });
    expect(texts(result)).toEqual(['办理人姓名？']);
  });

  it('a day said first that is not offered is dropped with its reason, then asked', () => {
    const result = run([], '周五下午三点半可以吗');
    expect(texts(result)).toEqual(['12月4日（周五）已经约满了。', '哪天？']);
    expect(slotsOf(result).date).toBeUndefined();
    expect(slotsOf(result).time).toBe('15:30');
    const next = advance(flows, result.frames, say('明天'), ctx);
    expect(slotsOf(next)).toMatchObject({ date: '2026-12-02', time: '15:30' });
  });
});

describe('fullName: the name on an ID card', () => {
  it.each([
    ['张桂兰', '张桂兰'],
    ['我叫王建国', '王建国'],
    ['她叫张桂兰', '张桂兰'],
    ['姓名：李四', '李四'],
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['阿依古丽.买买提', '阿依古丽·买买提'],
    ['欧阳娜娜。', '欧阳娜娜'],
  ])('"%s" is %s', (text, name) => {
    expect(parseFullName(text)).toEqual({ ok: true, value: name });
  });

  it.each([
    ['王女士', '实名'],
    ['王', '全名'],
    ['13912345678', '手机号'],
    ['不知道', '姓名'],
  ])('"%s" is refused with a hint (%s)', (text, hint) => {
    const result = parseFullName(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(hint);
  });

  it('finds a stated name inside a sentence, and nothing in a sentence without one', () => {
    expect(findFullNameIn('我给我妈约，她叫张桂兰，今年七十了')).toBe('张桂兰');
    expect(findFullNameIn('我妈叫张桂兰今年七十了')).toBe('张桂兰');
    expect(findFullNameIn('我叫王建国，电话13912345678')).toBe('王建国');
    expect(findFullNameIn('给我妈约明天上午')).toBeUndefined();
    expect(findFullNameIn('我叫王女士')).toBeUndefined();
  });

  it('fills from a message that states it and is then not asked', () => {
    const result = run(['明天', '10点'], '我叫王建国');
    expect(texts(result)).toEqual(['2026-12-02 10:00 王建国']);
  });
});
