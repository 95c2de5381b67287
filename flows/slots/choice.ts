import { pinyin } from 'pinyin-pro';
import { loadLexicon, type Lexicon } from '../language/lexicon';
import { parseLooseNumber } from './cn-number';
import { accept, reject, type SlotResult } from './result';

export interface ChoiceOption {
  label: string;
  value?: string;
  synonyms?: string[];
  /** A time option's end (`HH:MM`); its start is the value. */
  end?: string;
  /** Listed for its reason only: never offered or picked; naming it gets this sentence. */
  unavailable?: string;
}

const TRAILING = /[。.!！,，、~～\s]+$/u;
const SOFT_ENDING = /(吧|啊|呀|哦|呢|嘛|哈|的|了)+$/u;

/**
 * Which option a reply picks, if any (0-based), as residents answer in numbers or in words:
 * "2", "第二个", "选2吧", the label, a synonym, part of one label ("预约" for "预约办理"), words
 * that mean the same as the label (the lexicon's word groups: "过期了" picks "有效期满换领"),
 * negation ("不是丢的，是坏了" picks 损坏, not 丢失) and typos that sound alike ("过其了").
 * Undefined when nothing, or more than one option, is meant.
 */
export function pickOption(text: string, options: ChoiceOption[], lexicon: Lexicon = loadLexicon()): number | undefined {
  const t = text.trim().replace(TRAILING, '').toLowerCase();
  if (!t) return undefined;
  const n = numberedPick(t);
  if (n !== undefined) return n >= 1 && n <= options.length ? n - 1 : undefined;
  const soft = t.replace(SOFT_ENDING, '') || t;
  const exact = options.findIndex((o) => [o.label, o.value, ...(o.synonyms ?? [])].some((w) => w !== undefined && (w.toLowerCase() === t || w.toLowerCase() === soft)));
  if (exact >= 0) return exact;

  const vocabularies = options.map((o) => vocabularyOf(o, lexicon));
  const byWords = pickByMentions(t, vocabularies, lexicon, options);
  if (byWords !== 'none') return byWords === 'many' ? undefined : byWords;
  // A reply that is part of exactly one label ("预约" for "预约办理").
  const partOf = soft.length >= 2 ? options.flatMap((o, i) => (o.label.includes(soft) ? [i] : [])) : [];
  if (partOf.length === 1) return partOf[0];
  if (partOf.length > 1) return undefined;
  return pickBySound(soft, vocabularies);
}

/** Every word that picks one of `options` (labels, synonyms and their word groups). */
export function optionWords(options: ChoiceOption[], lexicon: Lexicon = loadLexicon()): string[] {
  return options.flatMap((o) => vocabularyOf(o, lexicon));
}

/** Words that pick an option: its label, value, synonyms and every word of the groups they use. */
function vocabularyOf(option: ChoiceOption, lexicon: Lexicon): string[] {
  const own = [option.label, ...(option.synonyms ?? [])];
  if (option.value && /[^\x00-\x7f]/u.test(option.value)) own.push(option.value);
  const words = new Set(own.filter((w) => w.length >= 2 || /[^\x00-\x7f]/u.test(w)));
  for (const w of own) for (const group of lexicon.groupsIn(w)) for (const g of group) words.add(g);
  return [...words].map((w) => w.toLowerCase());
}

/** The one option with a mention that is not negated; 'many' when several are meant. */
function pickByMentions(t: string, vocabularies: string[][], lexicon: Lexicon, options: ChoiceOption[]): number | 'many' | 'none' {
  const mentions = lexicon.mentions(t, vocabularies.flat()).map((m) => ({ ...m, hit: vocabularies.flatMap((words, i) => (words.includes(m.phrase) ? [i] : [])) }));
  // A word every option shares ("大厅" among halls) tells them apart no more than silence, when other words do.
  const telling = mentions.filter((m) => m.hit.length < vocabularies.length);
  const used = telling.some((m) => !m.negated) ? telling : mentions;
  const positive = new Set<number>();
  const denied = new Set<number>();
  for (const m of used) for (const i of m.hit) (m.negated ? denied : positive).add(i);
  if (positive.size === 1) return [...positive][0] ?? 'none';
  if (positive.size > 1) return fewestOtherIdeas([...positive], options, used.map((m) => m.phrase), lexicon) ?? 'many';
  // Of two options, denying one picks the other ("不是本地的").
  if (vocabularies.length === 2 && denied.size === 1) return denied.has(0) ? 1 : 0;
  return 'none';
}

/**
 * Of several options a word could mean, the one that says the least else: "本地户口" picks
 * 「本市户口」 over 「外地户口、在本市常住」, whose 外地 the resident did not say.
 */
function fewestOtherIdeas(candidates: number[], options: ChoiceOption[], said: string[], lexicon: Lexicon): number | undefined {
  const saidGroups = new Set(said.flatMap((w) => lexicon.groupsOf(w)));
  const others = candidates.map((i) => lexicon.groupsIn(options[i]?.label ?? '').filter((g) => !saidGroups.has(g)).length);
  const least = Math.min(...others);
  const best = candidates.filter((_, k) => others[k] === least);
  return best.length === 1 ? best[0] : undefined;
}

/** Typos that sound like one option's word ("过其了" ≈ 过期, "孙坏" ≈ 损坏). */
function pickBySound(t: string, vocabularies: string[][]): number | undefined {
  if (!/\p{Script=Han}/u.test(t) || t.length > 30) return undefined;
  const heard = syllables(t);
  const hits = new Set<number>();
  vocabularies.forEach((words, i) => {
    for (const w of words) {
      if (w.length < 2 || !/^\p{Script=Han}+$/u.test(w)) continue;
      if (containsRun(heard, syllables(w))) hits.add(i);
    }
  });
  return hits.size === 1 ? [...hits][0] : undefined;
}

const syllableCache = new Map<string, string[]>();
function syllables(text: string): string[] {
  let s = syllableCache.get(text);
  if (!s) {
    s = pinyin(text, { toneType: 'none', type: 'array', v: true });
    if (syllableCache.size > 5000) syllableCache.clear();
    syllableCache.set(text, s);
  }
  return s;
}

function containsRun(haystack: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The number in a numbered pick ("2", "第二个", "选2吧", "就第一个"), or undefined. */
export function numberedPick(t: string): number | undefined {
  const numbered = /^(?:我)?(?:就)?(?:选|要|选择|是)?\s*(?:第)?\s*([0-9]{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个|项|号|条|种)?\s*(?:吧|啊|呀|哦|的|那个|这个)?$/u.exec(t);
  return numbered?.[1] ? parseLooseNumber(numbered[1]) : undefined;
}

export function parseChoice(text: string, options: ChoiceOption[], lexicon?: Lexicon, unavailable: ChoiceOption[] = []): SlotResult {
  const index = pickOption(text, options, lexicon);
  const option = index === undefined ? undefined : options[index];
  if (!option) {
    // "第九个" out of range deserves the same hint as "9".
    const n = numberedPick(text.trim().replace(TRAILING, ''));
    if (n !== undefined) return reject(`没有第${n}项，请回复1到${options.length}之间的数字。`);
    const named = namedUnavailable(text, unavailable, lexicon);
    return reject(named?.unavailable);
  }
  return accept(option.value ?? option.label);
}

/** The listed-but-unavailable option a reply names in words (never by number), if any. */
export function namedUnavailable(text: string, unavailable: ChoiceOption[], lexicon?: Lexicon): ChoiceOption | undefined {
  if (unavailable.length === 0 || numberedPick(text.trim().replace(TRAILING, '')) !== undefined) return undefined;
  const index = pickOption(text, unavailable, lexicon);
  return index === undefined ? undefined : unavailable[index];
}

const YES = ['是', '是的', '对', '对的', '好', '好的', '确认', '确定', '可以', '行', '嗯', '要', '需要', '有', 'y', 'yes', 'ok', '没错', '没问题', '对头', '中', '要的', '需要的', '当然', '必须的', '那好', '好吧', '行吧', '可以吧'];
const NO = ['否', '不', '不是', '不对', '不要', '不用', '不需要', '没有', '无', '算了', 'n', 'no', '不了', '不必', '免了', '先不'];

/** yes/no: 是/对/好/确认/1 → true; 否/不/不用/没有/2 → false. */
export function parseYesNo(text: string): SlotResult {
  const t = text.trim().toLowerCase().replace(/[。.!！,，~～\s]+$/u, '');
  const soft = t.replace(/(吧|啊|呀|哦|呢|嘛|哈|了)+$/u, '') || t;
  if (t === '1' || YES.includes(t) || YES.includes(soft)) return accept(true);
  if (t === '2' || NO.includes(t) || NO.includes(soft)) return accept(false);
  // A longer reply that opens with yes or no ("好的，麻烦尽快", "不用了谢谢"), unless it asks something.
  if (/[？?吗么什啥怎哪几多]/u.test(t)) return reject('请回复“是”或“否”（也可以回复1或2）。');
  if (/^(不|没|别)/u.test(t)) return accept(false);
  if (/^(是|对|好|确认|可以|行|要|需要)/u.test(t) || /^嗯+/u.test(t)) return accept(true);
  return reject('请回复“是”或“否”（也可以回复1或2）。');
}
