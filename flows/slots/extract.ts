import type { Lexicon } from '../language/lexicon';
import type { AskStep } from '../schema';
import type { EngineContext, Json, Slots } from '../types';
import { findAddressIn } from './address';
import { mentionedOption, optionWords, type ChoiceOption } from './choice';
import { findDateIn } from './date';
import { findFullNameIn } from './full-name';
import { parseIdNumber } from './id-number';
import { findNameIn } from './name';
import { parsePhone } from './phone';
import { parseTime } from './time';

/** A slot a message may fill although it was not the question asked. */
export interface ExtractTarget {
  step: AskStep;
  /** The step's resolved choice options (choice slots only). */
  options: ChoiceOption[];
}

// A date inside a story must be said as a date ("上周五", "11月20号", "昨天"), not "3.5个小时".
const SPOKEN_DATE = /[月日号周天]|星期|礼拜|今|明|昨|前天|后天/u;
const PARTICLES = /[的了吧啊呀呢嘛哦哈]/gu;
const PUNCT = /[\s，,。.！!？?、~～:：;；…"“”'‘’()（）【】]/gu;

const patterns = new Map<string, RegExp>();

/** One pattern for a list of words (longest first), built once per list. */
function wordsPattern(words: string[]): RegExp {
  const list = [...new Set(words.filter((w) => w.length >= 2))].sort((a, b) => b.length - a.length);
  const key = list.join('\u0001');
  let pattern = patterns.get(key);
  if (!pattern) {
    if (patterns.size > 500) patterns.clear();
    pattern = list.length ? new RegExp(list.map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|'), 'gu') : /(?!)/gu;
    patterns.set(key, pattern);
  }
  return pattern;
}

/** Letters and ideographs left when particles and punctuation are gone: how much a text says. */
export function contentLength(text: string): number {
  return text.replace(PUNCT, '').replace(PARTICLES, '').length;
}

/**
 * Reads every target slot the message states, besides what it answers: ID and phone numbers,
 * dates, times, a stated name ("我叫…"), a street address, an option named in words, and — when something is left
 * once those are taken out — the message itself for a free-text slot (the resident's own words).
 * `consumed`: words that answered the question asked (its options), not part of a story.
 * Returns the values found; slots whose value is unclear are left out.
 */
export function extractSlots(text: string, targets: ExtractTarget[], ctx: EngineContext, lexicon: Lexicon, consumed: readonly string[] = []): Slots {
  if (contentLength(text) < 2 || /^\s*\d{1,2}\s*$/u.test(text)) return {};
  const found: Slots = {};
  let rest = text;
  const take = (slot: string, value: Json, words: string) => {
    found[slot] = value;
    if (words) rest = rest.replace(words, ' ');
  };
  const ofType = (type: AskStep['type']) => targets.filter((t) => t.step.type === type);

  for (const { step } of ofType('idNumber')) {
    const m = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/u.exec(rest);
    const parsed = m ? parseIdNumber(m[0], ctx.now) : undefined;
    if (m && parsed?.ok) take(step.slot, parsed.value, m[0]);
  }
  for (const { step } of ofType('phone')) {
    const m = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s.-]?\d{4}){2}(?!\d)/u.exec(rest);
    const parsed = m ? parsePhone(m[0].replace(/[.]/g, '')) : undefined;
    if (m && parsed?.ok) take(step.slot, parsed.value, m[0]);
  }
  for (const { step } of ofType('date')) {
    const date = findDateIn(rest, { now: ctx.now, timeZone: ctx.timeZone, notPast: step.notPast, notFuture: step.notFuture, maxDaysAhead: step.maxDaysAhead });
    if (date?.result.ok && SPOKEN_DATE.test(date.match)) take(step.slot, date.result.value, date.match);
  }
  for (const { step } of ofType('time')) {
    // A clock time ("下午3点半"), else a period alone ("明天上午"), never a greeting ("下午好").
    const m =
      /(上午|下午|中午|早上|晚上)?(\d{1,2}|[一二两三四五六七八九十]{1,3})(?:[:：]\d{2}|点(?:半|\d{1,2}分?)?)/u.exec(rest) ??
      /(上午|下午|中午|早上|晚上)(?!好)/u.exec(rest);
    const parsed = m ? parseTime(m[0]) : undefined;
    if (m && parsed?.ok) take(step.slot, parsed.value, m[0]);
  }
  for (const { step } of ofType('fullName')) {
    const name = findFullNameIn(rest);
    if (name) take(step.slot, name, name);
  }
  for (const { step } of ofType('name')) {
    const name = findNameIn(rest);
    if (name) take(step.slot, name, name);
  }
  for (const { step } of ofType('location')) {
    // A street address in a story ("幸福路88号门口的烧烤摊") says where; the story keeps its words.
    const address = findAddressIn(rest);
    if (address) take(step.slot, { latitude: null, longitude: null, label: address }, '');
  }
  for (const { step, options } of ofType('choice')) {
    // Only words: a bare number in a story is not an option.
    if (/^\s*\d+\s*$/u.test(rest) || options.length === 0) continue;
    const index = mentionedOption(rest, options, lexicon);
    const option = index === undefined ? undefined : options[index];
    if (option && option.value !== 'other' && option.label !== '其他') take(step.slot, option.value ?? option.label, '');
  }
  const texts = ofType('text');
  // Too short to be a story whatever the options: no need to take the option words out.
  if (!texts.length || contentLength(rest) < Math.min(...texts.map((t) => Math.max(t.step.minLength ?? 0, 6)))) return found;
  // What is left once option words are gone must still tell something ("新市区那个政务服务中心" does not).
  const story = lexicon.stripOpeners(rest).replace(wordsPattern([...consumed, ...optionWords(ofType('choice').flatMap((t) => t.options), lexicon)]), ' ');
  for (const { step } of texts) {
    const min = Math.max(step.minLength ?? 0, 6);
    const own = text.trim();
    if (lexicon.isMeta(own) || lexicon.isSkip(own) || lexicon.isCorrection(own) || contentLength(story) < min) continue;
    // A short question ("公积金怎么提") is a request, not the story this slot wants.
    if (lexicon.isQuestion(own) && contentLength(own) < 15) continue;
    if (step.maxLength !== undefined && [...own].length > step.maxLength) continue;
    found[step.slot] = own;
  }
  return found;
}
