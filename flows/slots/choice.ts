import { pinyin } from 'pinyin-pro';
import { loadLexicon, type Lexicon } from '../language/lexicon';
import { parseLooseNumber } from './cn-number';
import { accept, reject, type SlotResult } from './result';

export interface ChoiceOption {
  label: string;
  value?: string;
  synonyms?: string[];
  /** Understood but not shown, and not counted by number (e.g. the answer to another open question). */
  hidden?: boolean;
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
  if (n !== undefined) {
    const shown = options.flatMap((o, i) => (o.hidden ? [] : [i]));
    return n >= 1 && n <= shown.length ? shown[n - 1] : undefined;
  }
  const soft = t.replace(SOFT_ENDING, '') || t;
  const exact = options.findIndex((o) => [o.label, o.value, ...(o.synonyms ?? [])].some((w) => w !== undefined && (w.toLowerCase() === t || w.toLowerCase() === soft)));
  if (exact >= 0) return exact;

  const byAge = pickByAge(t, options);
  if (byAge !== undefined) return byAge;
  const vocabularies = options.map((o) => vocabularyOf(o, lexicon));
  const byWords = pickByMentions(t, vocabularies, lexicon, options);
  if (typeof byWords === 'number') return byWords;
  // Several meant, but only one of those shown: the question asked wins over hidden answers.
  if (byWords === 'many') {
    const shown = options.flatMap((o, i) => (o.hidden ? [] : [i]));
    const visible = pickByMentions(t, shown.map((i) => vocabularies[i] ?? []), lexicon, shown.flatMap((i) => options[i] ?? []), false);
    if (typeof visible === 'number') return shown[visible];
    return byClause(t, options, lexicon);
  }
  const clause = byClause(t, options, lexicon);
  if (clause !== undefined) return clause;
  // A reply that is part of exactly one label ("预约" for "预约办理").
  const partOf = soft.length >= 2 ? options.flatMap((o, i) => (o.label.includes(soft) ? [i] : [])) : [];
  if (partOf.length === 1) return partOf[0];
  if (partOf.length > 1) return undefined;
  return pickBySound(soft, vocabularies);
}

/**
 * The option a longer message states in passing ("孩子15岁，身份证丢了，户口在外地" states the age,
 * the occasion and the residence): an age against an age threshold, or the words of exactly one
 * option, not negated. Stricter than `pickOption` (no numbers, no parts of labels, no sounds).
 */
export function mentionedOption(text: string, options: ChoiceOption[], lexicon: Lexicon = loadLexicon()): number | undefined {
  const t = text.toLowerCase();
  const byAge = pickByAge(t, options);
  if (byAge !== undefined) return byAge;
  const byWords = pickByMentions(t, options.map((o) => vocabularyOf(o, lexicon)), lexicon, options, false);
  return typeof byWords === 'number' ? byWords : undefined;
}

/** "腿脚不好，肢体的", "记不清，反正在天山区": one clause of the reply names the option on its own. */
function byClause(t: string, options: ChoiceOption[], lexicon: Lexicon): number | undefined {
  const clauses = t.split(/[，,。；;！!？?、\s]+/u).filter((c) => c.length >= 2);
  if (clauses.length < 2) return undefined;
  const picks = new Set(clauses.flatMap((c) => pickOption(c, options, lexicon) ?? []));
  return picks.size === 1 ? [...picks][0] : undefined;
}

/** Every word that picks one of `options` (labels, synonyms and their word groups). */
export function optionWords(options: ChoiceOption[], lexicon: Lexicon = loadLexicon()): string[] {
  return options.flatMap((o) => vocabularyOf(o, lexicon));
}

const vocabularies = new WeakMap<Lexicon, Map<string, string[]>>();
const byOption = new WeakMap<ChoiceOption, { lexicon: Lexicon; words: string[] }>();

/** Words that pick an option: its label, value, synonyms and every word of the groups they use. */
function vocabularyOf(option: ChoiceOption, lexicon: Lexicon): string[] {
  // A flow's own options are the same objects on every turn; options rebuilt from data are
  // remembered by content (bounded).
  const same = byOption.get(option);
  if (same?.lexicon === lexicon) return same.words;
  const words = vocabularyByContent(option, lexicon);
  byOption.set(option, { lexicon, words });
  return words;
}

function vocabularyByContent(option: ChoiceOption, lexicon: Lexicon): string[] {
  const key = `${option.label}\u0001${option.value ?? ''}\u0001${(option.synonyms ?? []).join('\u0002')}`;
  let cache = vocabularies.get(lexicon);
  if (!cache) vocabularies.set(lexicon, (cache = new Map()));
  const known = cache.get(key);
  if (known) return known;
  if (cache.size > 5000) cache.clear();
  const words = wordsOf(option, lexicon);
  cache.set(key, words);
  return words;
}

function wordsOf(option: ChoiceOption, lexicon: Lexicon): string[] {
  const own = [option.label, ...(option.synonyms ?? [])];
  if (option.value && /[^\x00-\x7f]/u.test(option.value)) own.push(option.value);
  const words = new Set(own.filter((w) => w.length >= 2 || /[^\x00-\x7f]/u.test(w)));
  // The label brings the groups of the words found in it ("有效期满换领" → 期满 → 过期, 到期 …);
  // synonyms stand as given ("没了" for "没有了" must not bring 丢了's group).
  for (const group of lexicon.groupsIn(option.label)) for (const g of group) words.add(g);
  return [...words].map((w) => w.toLowerCase());
}

/** The one option with a mention that is not negated; 'many' when several are meant. */
function pickByMentions(t: string, vocabularies: string[][], lexicon: Lexicon, options: ChoiceOption[], byDenial = true): number | 'many' | 'none' {
  const found = lexicon.mentions(t, vocabularies.flat());
  if (found.length === 0) return 'none';
  const mentions = found.map((m) => ({ ...m, hit: vocabularies.flatMap((words, i) => (words.includes(m.phrase) ? [i] : [])) }));
  // A word every option shares ("大厅" among halls) tells them apart no more than silence, when other words do.
  const telling = mentions.filter((m) => m.hit.length < vocabularies.length);
  const used = telling.some((m) => !m.negated) ? telling : mentions;
  const positive = new Set<number>();
  const denied = new Set<number>();
  for (const m of used) for (const i of m.hit) (m.negated ? denied : positive).add(i);
  if (positive.size === 1) return [...positive][0] ?? 'none';
  if (positive.size > 1) return fewestOtherIdeas([...positive], options, used.map((m) => m.phrase), lexicon) ?? 'many';
  // Of two options, denying one picks the other ("不是本地的").
  if (byDenial && vocabularies.length === 2 && denied.size === 1) return denied.has(0) ? 1 : 0;
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

const AGE_OPTION = /(已|未|不)满(\d+)周?岁|(\d+)周?岁(以上|以下)/u;
const AGE_SAID = /(\d{1,3}|[一二两三四五六七八九十]{1,3})多?(?:周)?岁/u;
// "我七十多了", "都八十了": tens of years said without 岁.
const AGE_IN_TENS = /(?:都|已经|快|我|他|她)([二三四五六七八九]十|[2-9]0)多?了/u;

/** "才12岁", "我七十多了" at "满16周岁了吗？": the age said decides between the options' age thresholds. */
function pickByAge(t: string, options: ChoiceOption[]): number | undefined {
  const said = AGE_SAID.exec(t) ?? AGE_IN_TENS.exec(t);
  const age = said?.[1] ? parseLooseNumber(said[1]) : undefined;
  if (age === undefined) return undefined;
  const fits = options.flatMap((o, i) => {
    const m = AGE_OPTION.exec(o.label);
    if (!m) return [];
    const limit = Number(m[2] ?? m[3]);
    const atLeast = m[1] === '已' || m[4] === '以上';
    return (atLeast ? age >= limit : age < limit) ? [i] : [];
  });
  return fits.length === 1 ? fits[0] : undefined;
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
    if (n !== undefined) return reject(`没有第${n}项，请回复1到${options.filter((o) => !o.hidden).length}之间的数字。`);
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

// Asking to be contacted is a yes to "需要联系您吗？" ("麻烦联系我一下").
const WANTS_CONTACT = /(联系我|回复我|回电话|打电话给我|给我打电话|通知我|告诉我结果)/u;

/** yes/no: 是/对/好/确认/1 → true; 否/不/不用/没有/2 → false; the first clause decides ("没问题，提交吧"). */
export function parseYesNo(text: string): SlotResult {
  const first = text.trim().split(/[，,。；;！!]+/u)[0] ?? '';
  if (first && first.length < text.trim().length) {
    const head = yesNoWord(first.toLowerCase());
    if (head !== undefined) return accept(head);
  }
  return parseWholeYesNo(text);
}

function yesNoWord(t: string): boolean | undefined {
  const soft = t.replace(/(吧|啊|呀|哦|呢|嘛|哈|了)+$/u, '') || t;
  if (YES.includes(t) || YES.includes(soft)) return true;
  if (NO.includes(t) || NO.includes(soft)) return false;
  return undefined;
}

function parseWholeYesNo(text: string): SlotResult {
  const t = text.trim().toLowerCase().replace(/[。.!！,，~～\s]+$/u, '');
  const soft = t.replace(/(吧|啊|呀|哦|呢|嘛|哈|了)+$/u, '') || t;
  if (t === '1' || YES.includes(t) || YES.includes(soft)) return accept(true);
  if (t === '2' || NO.includes(t) || NO.includes(soft)) return accept(false);
  if (WANTS_CONTACT.test(t) && !/^(不|没|别)/u.test(t)) return accept(true);
  // A longer reply that opens with yes or no ("好的，麻烦尽快", "不用了谢谢"), unless it asks something.
  if (/[？?吗么什啥怎哪几多]/u.test(t)) return reject('请回复“是”或“否”（也可以回复1或2）。');
  if (/^(不|没|别)/u.test(t)) return accept(false);
  if (/^(是|对|好|确认|可以|行|要|需要)/u.test(t) || /^嗯+/u.test(t)) return accept(true);
  return reject('请回复“是”或“否”（也可以回复1或2）。');
}
