import type { Lexicon } from '../language/lexicon';
import { loadLexicon } from '../language/lexicon';
import type { AskStep } from '../schema';
import type { EngineContext, EngineInput, Json } from '../types';
import { parseChoice, parseYesNo, pickOption, type ChoiceOption } from './choice';
import { parseLooseNumber } from './cn-number';
import { parseDate } from './date';
import { parseOfferedDate, parseOfferedTime } from './dated-options';
import { parseFullName } from './full-name';
import { parseIdNumber } from './id-number';
import { parseName } from './name';
import { parsePhone } from './phone';
import { accept, reject, type SlotResult } from './result';
import { parseTime } from './time';

export type { SlotResult } from './result';
export { pickOption } from './choice';
export { extractSlots, contentLength, type ExtractTarget } from './extract';

const SKIP = /^(跳过|没有|无|不用|不需要|略|暂无|没|记不清|记不清了|不记得|不记得了|忘了|不清楚|不知道|没有照片|没照片|不用了)$/u;

/** Where a choice option stands, for options a shared location can pick (halls). */
type Placed = ChoiceOption & { latitude?: number; longitude?: number };
const NEAR_ENOUGH_KM = 30;

/**
 * Parses one answer for an ask step. `options` are the step's resolved options (a choice's, or
 * the values a date or time question allows), those listed as `unavailable` included.
 */
export function parseSlot(step: AskStep, input: EngineInput, ctx: EngineContext, all: ChoiceOption[], lexicon: Lexicon = loadLexicon()): SlotResult {
  const options = all.filter((o) => !o.unavailable);
  if (input.kind === 'location') {
    if (step.type === 'location') return accept({ latitude: input.latitude, longitude: input.longitude, label: input.label ?? '已发送位置' });
    if (step.type === 'choice') {
      // A shared place that names an option ("市政务服务中心") is that option; otherwise the nearest.
      const named = input.label ? pickOption(input.label, options, lexicon) : undefined;
      const option = named === undefined ? undefined : options[named];
      return option ? accept(option.value ?? option.label) : nearestOption(options as Placed[], input.latitude, input.longitude);
    }
    return reject('这一步需要文字回答哦。');
  }
  if (input.kind === 'image') {
    return step.type === 'image' ? accept({ url: input.url ?? null, mediaId: input.mediaId ?? null, label: '已上传照片' }) : reject('这一步需要文字回答哦。');
  }
  if (input.kind !== 'text') return reject();
  const text = input.text.trim();
  if (step.optional && SKIP.test(text.replace(/[。.!！,，~～\s]+$/u, ''))) return accept(null);
  if (!text) return reject();
  // Text at an optional photo question means there is no photo; what it says is read elsewhere.
  if (step.type === 'image' && step.optional && !lexicon.isRequest(text)) return accept(null);
  const result = parseText(step, text, ctx, all, lexicon);
  // "不记得是哪个了", "照片没拍": not an answer, but a pass on an optional question.
  return !result.ok && step.optional && lexicon.isSkip(text) ? accept(null) : result;
}

function parseText(step: AskStep, text: string, ctx: EngineContext, all: ChoiceOption[], lexicon: Lexicon): SlotResult {
  const options = all.filter((o) => !o.unavailable);
  const unavailable = all.filter((o) => o.unavailable);
  switch (step.type) {
    case 'text':
      return parseFreeText(text, step, lexicon);
    case 'choice':
      return parseChoice(text, options, lexicon, unavailable);
    case 'yesno':
      return parseYesNo(text);
    case 'date': {
      const dateOptions = { now: ctx.now, timeZone: ctx.timeZone, notPast: step.notPast, notFuture: step.notFuture, maxDaysAhead: step.maxDaysAhead };
      if (all.length) return parseOfferedDate(text, options, unavailable, dateOptions, lexicon);
      const date = parseDate(text, dateOptions);
      return !date.ok && step.vague && isVagueTime(text) ? accept(text.trim()) : date;
    }
    case 'time':
      return all.length ? parseOfferedTime(text, options, unavailable, lexicon) : parseTime(text);
    case 'phone':
      return parsePhone(text);
    case 'idNumber':
      return parseIdNumber(text, ctx.now);
    case 'name':
      return parseName(text);
    case 'fullName':
      return parseFullName(text);
    case 'number':
      return parseNumber(text, step);
    case 'location':
      // A typed address is accepted as a location without coordinates; a pasted page is not an address.
      if ([...text].length > (step.maxLength ?? 100)) return reject('地址有点长，请只写街道、小区或门牌号，或者直接发送位置。');
      return text.length >= 4 ? accept({ latitude: null, longitude: null, label: text }) : reject('请发送位置，或输入详细地址。');
    case 'image':
      return reject('请发一张照片（点输入框旁的“+”，选择“照片”或“拍摄”）。');
  }
}

function parseFreeText(text: string, step: AskStep, lexicon: Lexicon): SlotResult {
  // "刚才不是说了吗" is about the conversation, never the content the question asks for.
  if (lexicon.isMeta(text)) return reject('抱歉，刚才那段我没有记下来，麻烦您再说一下具体情况。');
  // A bare number (a phone typed here) is no story; where no length is asked (a code, a number
  // from a receipt) digits are the answer.
  if (step.minLength !== undefined && /^[+\d\s().-]{5,}$/u.test(text)) return reject('这里请用文字说说具体情况。');
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

/** A shared location picks the option standing nearest to it (within reach), e.g. a hall. */
function nearestOption(options: Placed[], latitude: number, longitude: number): SlotResult {
  const rad = (d: number) => (d * Math.PI) / 180;
  const km = (o: Placed) => {
    if (o.latitude === undefined || o.longitude === undefined) return Infinity;
    const h = Math.sin(rad(o.latitude - latitude) / 2) ** 2 + Math.cos(rad(latitude)) * Math.cos(rad(o.latitude)) * Math.sin(rad(o.longitude - longitude) / 2) ** 2;
    return 2 * 6371 * Math.asin(Math.sqrt(h));
  };
  const nearest = options.map((o) => ({ o, d: km(o) })).sort((a, b) => a.d - b.d)[0];
  if (!nearest || nearest.d > NEAR_ENOUGH_KM) return reject(options.some((o) => o.latitude !== undefined) ? '这个位置附近没有找到对应的一项，请回复数字或名称选择。' : '这一步请回复数字或文字选择。');
  return accept(nearest.o.value ?? nearest.o.label);
}

// "上个星期", "前几天", "每天晚上", "半个月了": when, but no one date. A named day ("2月31日") is not vague.
const VAGUE_TIME = /上个?(星期|礼拜|周|月)|这(个)?(星期|礼拜|周|月)|前(几|两|一段)|最近|之前|以前|好久|好几|一直|经常|总是|每(天|晚|周|个|次)|天天|几(天|个星期|个月)|半(个)?月|一个(星期|月)|早上|晚上|夜里|半夜|凌晨|刚才|刚刚/u;
const NAMED_DAY = /\d+\s*[月日号]|[一二三四五六七八九十]+[月日号]/u;

function isVagueTime(text: string): boolean {
  return [...text.trim()].length <= 20 && VAGUE_TIME.test(text) && !NAMED_DAY.test(text);
}
