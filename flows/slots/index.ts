import type { AskStep } from '../schema';
import type { EngineContext, EngineInput, Json } from '../types';
import { parseChoice, parseYesNo, type ChoiceOption } from './choice';
import { parseLooseNumber } from './cn-number';
import { parseDate } from './date';
import { parseIdNumber } from './id-number';
import { parsePhone } from './phone';
import { accept, reject, type SlotResult } from './result';
import { parseTime } from './time';

export type { SlotResult } from './result';
export { pickOption } from './choice';

const SKIP = /^(跳过|没有|无|不用|不需要|略|暂无|没)$/u;

/** Parses one answer for an ask step. `options` are the step's resolved choice options. */
export function parseSlot(step: AskStep, input: EngineInput, ctx: EngineContext, options: ChoiceOption[]): SlotResult {
  if (input.kind === 'location') {
    return step.type === 'location'
      ? accept({ latitude: input.latitude, longitude: input.longitude, label: input.label ?? '已发送位置' })
      : reject('这一步需要文字回答哦。');
  }
  if (input.kind === 'image') {
    return step.type === 'image' ? accept({ url: input.url ?? null, mediaId: input.mediaId ?? null, label: '已上传照片' }) : reject('这一步需要文字回答哦。');
  }
  if (input.kind !== 'text') return reject();
  const text = input.text.trim();
  if (step.optional && SKIP.test(text)) return accept(null);
  if (!text) return reject();
  switch (step.type) {
    case 'text':
      return parseText(text, step);
    case 'choice':
      return parseChoice(text, options);
    case 'yesno':
      return parseYesNo(text);
    case 'date':
      return parseDate(text, { now: ctx.now, timeZone: ctx.timeZone, notPast: step.notPast, notFuture: step.notFuture, maxDaysAhead: step.maxDaysAhead });
    case 'time':
      return parseTime(text);
    case 'phone':
      return parsePhone(text);
    case 'idNumber':
      return parseIdNumber(text, ctx.now);
    case 'number':
      return parseNumber(text, step);
    case 'location':
      // A typed address is accepted as a location without coordinates.
      return text.length >= 4 ? accept({ latitude: null, longitude: null, label: text }) : reject('请发送位置，或输入详细地址。');
    case 'image':
      return reject('请发一张照片（点输入框旁的“+”，选择“照片”或“拍摄”）。');
  }
}

function parseText(text: string, step: AskStep): SlotResult {
  if (step.minLength !== undefined && [...text].length < step.minLength) return reject(`请再多说几句（至少${step.minLength}个字）。`);
  if (step.maxLength !== undefined && [...text].length > step.maxLength) return reject(`内容有点长，请控制在${step.maxLength}字以内。`);
  return accept(text);
}

function parseNumber(text: string, step: AskStep): SlotResult {
  // Words built on 一 ("一共五个", "一起三人") are not numbers.
  const m = /-?\d+(\.\d+)?|[零〇一二两三四五六七八九十百千万]+/u.exec(text.replace(/一(?:共|起|下|些|般|样|直|定)/gu, ''));
  const n = m ? parseLooseNumber(m[0]) : undefined;
  if (n === undefined || Number.isNaN(n)) return reject('请回复一个数字。');
  if (step.min !== undefined && n < step.min) return reject(`不能小于${step.min}。`);
  if (step.max !== undefined && n > step.max) return reject(`不能大于${step.max}。`);
  return accept(n as Json);
}
