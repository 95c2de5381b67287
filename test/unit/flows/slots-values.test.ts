import { describe, expect, it } from 'vitest';
import { FlowSchema, type AskStep } from '../../../flows/schema';
import { parseSlot } from '../../../flows/slots';
import { parseChineseNumber, parseLooseNumber } from '../../../flows/slots/cn-number';
import { idCheckChar, parseIdNumber } from '../../../flows/slots/id-number';
import { parsePhone } from '../../../flows/slots/phone';
import { parseTime } from '../../../flows/slots/time';
import type { EngineContext } from '../../../flows/types';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const ctx: EngineContext = { now: NOW, timeZone: 'Asia/Shanghai', vars: {} };

/** An ask step as the schema fills it (defaults included). */
function ask(fields: Record<string, unknown>): AskStep {
  const flow = FlowSchema.parse({ id: 'f', version: 1, title: 'T', steps: [{ id: 'q', kind: 'ask', slot: 'v', prompt: '?', ...fields }] });
  const step = flow.steps[0];
  if (step?.kind !== 'ask') throw new Error('not an ask step');
  return step;
}

/** A valid ID number: 17 digits plus their check character. */
const validId = (first17: string): string => first17 + idCheckChar(first17);

describe('parseTime', () => {
  it.each([
    ['上午', '上午'],
    ['早上', '上午'],
    ['中午', '中午'],
    ['下午', '下午'],
    ['晚上', '晚上'],
    ['下午3点半', '15:30'],
    ['下午三点半', '15:30'],
    ['9:30', '09:30'],
    ['9：30', '09:30'],
    ['上午9:30', '09:30'],
    ['下午3:05', '15:05'],
    ['9点30分', '09:30'],
    ['9点半', '09:30'],
    ['15点', '15:00'],
    ['十点', '10:00'],
    ['晚上8点', '20:00'],
    ['中午12点', '12:00'],
    ['晚上12点', '00:00'],
    ['0点', '00:00'],
  ])('%s → %s', (text, value) => {
    expect(parseTime(text)).toEqual({ ok: true, value });
  });

  it.each(['25点', '9:60', '24:00'])('%s → a reason with an example', (text) => {
    expect(parseTime(text)).toEqual({ ok: false, problem: '这个时间不对，请说像“上午10点”或“14:30”这样的时间。' });
  });

  it.each(['随便', '尽快'])('%s is not a time', (text) => {
    expect(parseTime(text)).toEqual({ ok: false, problem: undefined });
  });
});

describe('parsePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['(+86)19912345678', '19912345678'],
    ['手机13812345678', '13812345678'],
    ['我的电话是 138 1234 5678。', '13812345678'],
    ['电话+8613812345678', '13812345678'],
  ])('%s → %s', (text, value) => {
    expect(parsePhone(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['1381234567', '手机号是11位，您输入了10位，请核对一下。'],
    ['138123456789', '手机号是11位，您输入了12位，请核对一下。'],
    ['138 1234 567', '手机号是11位，您输入了10位，请核对一下。'],
    ['010-12345678', '这个号码不像手机号，请核对一下。'],
    ['12345678901', '这个号码不像手机号，请核对一下。'],
  ])('%s → %s', (text, problem) => {
    expect(parsePhone(text)).toEqual({ ok: false, problem });
  });

  it.each(['没有手机', '电话010-12345678', '13812345678或13987654321'])('%s is refused without guessing', (text) => {
    expect(parsePhone(text)).toEqual({ ok: false, problem: undefined });
  });
});

describe('parseIdNumber', () => {
  const id = validId('11010519900307123');
  // A number whose check character is X.
  const withX = ['44030519850610', '44030519850611', '44030519850612']
    .flatMap((head) => Array.from({ length: 1000 }, (_, i) => head + String(i).padStart(3, '0')))
    .find((first17) => idCheckChar(first17) === 'X');

  it('computes GB 11643 check characters (known sample 11010519491231002X)', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(id).toBe('110105199003071239');
  });

  it.each([
    [id, id],
    [`${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, id],
    [`${id.slice(0, 6)}-${id.slice(6, 14)}-${id.slice(14)}`, id],
    ['11010519491231002x', '11010519491231002X'],
    [`${withX?.toLowerCase()}x`, `${withX}X`],
  ])('%s → %s', (text, value) => {
    expect(parseIdNumber(text, NOW)).toEqual({ ok: true, value });
  });

  const wrongCheck = id.slice(0, 17) + String((Number(id[17]) + 1) % 10);
  it.each([
    [wrongCheck, '号码最后一位（校验位）对不上，可能有一位输错了，请核对一下。'],
    [validId('11010519900231123'), '号码里的出生日期不对，请核对一下。'],
    [validId('11010520270101123'), '号码里的出生日期不对，请核对一下。'],
    [validId('11010518891231123'), '号码里的出生日期不对，请核对一下。'],
    [id.slice(0, 17), '身份证号码是18位，您输入了17位，请核对一下。'],
    [`${id}1`, '身份证号码是18位，您输入了19位，请核对一下。'],
    ['身份证', '请输入18位居民身份证号码。'],
  ])('%s → %s', (text, problem) => {
    expect(parseIdNumber(text, NOW)).toEqual({ ok: false, problem });
  });

  it('a birth date of today is accepted, tomorrow is not', () => {
    expect(parseIdNumber(validId('11010520261201123'), NOW).ok).toBe(true);
    expect(parseIdNumber(validId('11010520261202123'), NOW).ok).toBe(false);
  });
});

describe('numbers', () => {
  it.each([
    ['零', 0],
    ['十', 10],
    ['十二', 12],
    ['二十三', 23],
    ['一百零五', 105],
    ['两千', 2000],
    ['两千零五', 2005],
    ['一万二千', 12000],
    ['十万', 100000],
    ['叁拾', 30],
  ])('parseChineseNumber(%s) = %d', (text, n) => {
    expect(parseChineseNumber(text)).toBe(n);
  });

  it.each(['', '十二个', 'abc'])('parseChineseNumber(%j) is undefined', (text) => {
    expect(parseChineseNumber(text)).toBeUndefined();
  });

  it.each([
    ['3', 3],
    [' 42 ', 42],
    ['-2', -2],
    ['2.5', 2.5],
    ['三', 3],
  ])('parseLooseNumber(%j) = %d', (text, n) => {
    expect(parseLooseNumber(text)).toBe(n);
  });

  it.each([
    ['3', 3],
    ['十二', 12],
    ['两千零五', 2005],
    ['我家有3口人', 3],
    ['一共五个', 5],
    ['我们一起三个人', 3],
  ])('a number step reads %s as %d', (text, value) => {
    expect(parseSlot(ask({ type: 'number' }), { kind: 'text', text }, ctx, [])).toEqual({ ok: true, value });
  });

  it.each([
    ['0', '不能小于1。'],
    ['十二', '不能大于10。'],
    ['很多', '请回复一个数字。'],
  ])('with min 1 / max 10, %s → %s', (text, problem) => {
    expect(parseSlot(ask({ type: 'number', min: 1, max: 10 }), { kind: 'text', text }, ctx, [])).toEqual({ ok: false, problem });
  });

  it.each(['1', '10', '五'])('with min 1 / max 10, %s is accepted', (text) => {
    expect(parseSlot(ask({ type: 'number', min: 1, max: 10 }), { kind: 'text', text }, ctx, []).ok).toBe(true);
  });
});

describe('parseSlot: by step type', () => {
  it.each(['跳过', '没有', '无', '不用', '暂无'])('an optional step takes %s as null', (text) => {
    expect(parseSlot(ask({ type: 'phone', optional: true }), { kind: 'text', text }, ctx, [])).toEqual({ ok: true, value: null });
  });

  it('a required step does not take 跳过', () => {
    expect(parseSlot(ask({ type: 'text' }), { kind: 'text', text: '跳过' }, ctx, [])).toEqual({ ok: true, value: '跳过' });
    expect(parseSlot(ask({ type: 'phone' }), { kind: 'text', text: '跳过' }, ctx, []).ok).toBe(false);
  });

  it.each([
    [{ minLength: 5 }, '太慢了', { ok: false, problem: '请再多说几句（至少5个字）。' }],
    [{ maxLength: 4 }, '窗口排队太久', { ok: false, problem: '内容有点长，请控制在4字以内。' }],
    [{ minLength: 5 }, '  窗口排队太久  ', { ok: true, value: '窗口排队太久' }],
    [{}, '   ', { ok: false, problem: undefined }],
  ])('text %j: %j → %j', (fields, text, result) => {
    expect(parseSlot(ask({ type: 'text', ...fields }), { kind: 'text', text }, ctx, [])).toEqual(result);
  });

  it('location: a pin, or a typed address of at least 4 characters', () => {
    const step = ask({ type: 'location' });
    expect(parseSlot(step, { kind: 'location', latitude: 31.2, longitude: 121.5, label: '市民中心' }, ctx, [])).toEqual({ ok: true, value: { latitude: 31.2, longitude: 121.5, label: '市民中心' } });
    expect(parseSlot(step, { kind: 'location', latitude: 31.2, longitude: 121.5 }, ctx, [])).toEqual({ ok: true, value: { latitude: 31.2, longitude: 121.5, label: '已发送位置' } });
    expect(parseSlot(step, { kind: 'text', text: '人民路市民中心' }, ctx, [])).toEqual({ ok: true, value: { latitude: null, longitude: null, label: '人民路市民中心' } });
    expect(parseSlot(step, { kind: 'text', text: '那边' }, ctx, [])).toEqual({ ok: false, problem: '请发送位置，或输入详细地址。' });
  });

  it('image: a photo is accepted, text gets instructions; a photo on a text step is refused', () => {
    expect(parseSlot(ask({ type: 'image' }), { kind: 'image', mediaId: 'm1' }, ctx, [])).toEqual({ ok: true, value: { url: null, mediaId: 'm1', label: '已上传照片' } });
    expect(parseSlot(ask({ type: 'image' }), { kind: 'text', text: '好的' }, ctx, [])).toEqual({ ok: false, problem: '请发一张照片（点输入框旁的“+”，选择“照片”或“拍摄”）。' });
    expect(parseSlot(ask({ type: 'text' }), { kind: 'image', url: 'http://x/1.jpg' }, ctx, [])).toEqual({ ok: false, problem: '这一步需要文字回答哦。' });
    expect(parseSlot(ask({ type: 'text' }), { kind: 'location', latitude: 1, longitude: 2 }, ctx, [])).toEqual({ ok: false, problem: '这一步需要文字回答哦。' });
  });

  it('date steps pass notPast / notFuture / maxDaysAhead and the context clock', () => {
    expect(parseSlot(ask({ type: 'date', notPast: true }), { kind: 'text', text: '昨天' }, ctx, [])).toEqual({ ok: false, problem: '11月30日已经过去了，请选一个今天或以后的日期。' });
    expect(parseSlot(ask({ type: 'date', maxDaysAhead: 3 }), { kind: 'text', text: '后天' }, ctx, [])).toEqual({ ok: true, value: '2026-12-03' });
  });

  it('idNumber steps use the context clock for the birth date', () => {
    const id = validId('11010520261202123');
    expect(parseSlot(ask({ type: 'idNumber' }), { kind: 'text', text: id }, ctx, []).ok).toBe(false);
    expect(parseSlot(ask({ type: 'idNumber' }), { kind: 'text', text: id }, { ...ctx, now: Date.parse('2026-12-03T00:00:00+08:00') }, []).ok).toBe(true);
  });
});
