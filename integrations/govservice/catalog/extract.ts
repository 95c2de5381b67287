import { normalizeText } from '../../../bot/normalize';
import { mentionedOption, type ChoiceOption } from '../../../flows/slots/choice';
import { dimensionsOf, type Target } from './resolve';
import type { Answers, Dimension } from './schema';

/**
 * Everyday phrasings of the conventional dimensions, used on top of the hints in the catalogue so
 * "帮我妈代办" or "身份证丢了" are understood for every item that has such a dimension.
 */
export const COMMON_HINTS: Record<string, Record<string, string[]>> = {
  applicant: {
    self: ['我自己办', '本人办', '我本人', '自己去办'],
    agent: ['代办', '代领', '帮我妈', '帮我爸', '帮我父亲', '帮我母亲', '帮老人', '帮家人', '替我妈', '替我爸', '委托', '给我妈办', '给我爸办', '帮我奶奶', '帮我爷爷'],
  },
  occasion: {
    expired: ['到期', '过期', '期满', '快到期', '有效期到了'],
    damaged: ['坏了', '损坏', '破了', '断了', '消磁'],
    lost: ['丢了', '丢失', '遗失', '找不到了', '被偷', '弄丢'],
  },
  residence: {
    local: ['本地户口', '本市户口', '户籍地', '本地人'],
    remote: ['外地户口', '外地人', '异地', '外省', '不是本地户口', '不是本市户口', '户口不在本地', '户口在老家'],
  },
  age: {
    adult: ['成年人', '已成年'],
    minor: ['孩子', '小孩', '儿子', '女儿', '未成年', '宝宝', '孙子', '孙女', '新生儿', '刚出生', '娃', '娃娃'],
  },
  subject: {
    person: ['个人名下'],
    company: ['公司', '企业', '单位名下'],
  },
  hukou_done: {
    yes: ['上了户口', '有户口', '上过户口', '上户口了', '已经上户口', '落了户', '落户了', '已经落户'],
    no: ['没上户口', '还没上户口', '刚出生', '刚生', '没户口', '还没落户', '还没有户口'],
  },
};

function normalise(text: string): string {
  return normalizeText(text).replace(/\s+/g, '');
}

/** The option the text states, in the catalogue's words and the lexicon's (negation included). */
function pickOption(dim: Dimension, text: string): string | undefined {
  const options = optionsOf(dim);
  const index = mentionedOption(text, options);
  return index === undefined ? undefined : options[index]?.value;
}

// A dimension's options with their words, built once per (immutable) catalogue dimension.
const dimensionOptions = new WeakMap<Dimension, ChoiceOption[]>();
function optionsOf(dim: Dimension): ChoiceOption[] {
  let options = dimensionOptions.get(dim);
  if (!options) {
    options = dim.options.map((o) => ({ label: o.label, value: o.value, synonyms: [...o.hints, ...(COMMON_HINTS[dim.id]?.[o.value] ?? [])] }));
    dimensionOptions.set(dim, options);
  }
  return options;
}

const COMMON_DIMENSIONS: Dimension[] = Object.entries(COMMON_HINTS).map(([id, options]) => ({
  id,
  question: id,
  options: Object.keys(options).map((value) => ({ value, label: value, hints: [] })),
}));

/**
 * Answers already present in a resident's message ("帮我妈代办" → applicant=agent, "丢了" →
 * occasion=lost, "外地户口" → residence=remote). With a target, only its dimensions (and a
 * bundle's eligibility questions) are read; without one, the conventional dimensions.
 */
export function extractKnownAnswers(text: string, target?: Target): Answers {
  const normalised = normalise(text);
  const dims = target ? [...dimensionsOf(target), ...(target.kind === 'bundle' ? target.bundle.eligibility : [])] : COMMON_DIMENSIONS;
  const answers: Answers = {};
  for (const dim of dims) {
    const value = pickOption(dim, normalised);
    if (value) answers[dim.id] = value;
  }
  return answers;
}
