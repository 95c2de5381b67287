import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The offline understanding's vocabulary (flows/language/lexicon.yaml): openers residents put
 * before a request, switches away from the current question, requests for a person, talk about
 * the conversation itself, question words, negations and groups of words that mean the same when
 * picking an option. Data, so a city tunes it without code.
 */
const phrases = z.array(z.string().min(1)).default([]);
export const LexiconFileSchema = z.strictObject({
  openers: phrases,
  switches: phrases,
  patterns_switch: phrases,
  human: phrases,
  human_unless: phrases,
  meta: phrases,
  questions: phrases,
  wants: phrases,
  skips: phrases,
  corrections: phrases,
  negations: phrases,
  word_groups: z.array(z.array(z.string().min(1)).min(2)).default([]),
});
export type LexiconFile = z.infer<typeof LexiconFileSchema>;

/** A phrase found in a text: where, and whether a negation right before it denies it. */
export interface Mention {
  phrase: string;
  index: number;
  negated: boolean;
}

export const DEFAULT_LEXICON_FILE = fileURLToPath(new URL('./lexicon.yaml', import.meta.url));

const CLAUSE_BREAK = /[，,。.；;！!？?、\n]/u;
const PUNCTUATION = /^[\s，,。.！!？?、~～:：;；…]+/u;
// Between a negation and what it denies: "不是因为丢了", "没被偷".
const NEGATION_FILLER = /^(?:是|因为|说|有|被|给|弄|的|太|要|用|需要|想|找|转)*$/u;

export class Lexicon {
  readonly negations: string[];
  private readonly openers: string[];
  private readonly switches: string[];
  private readonly switchPatterns: RegExp[];
  private readonly human: string[];
  private readonly humanUnless: string[];
  private readonly meta: string[];
  private readonly questions: string[];
  private readonly wants: string[];
  private readonly skips: string[];
  private readonly corrections: string[];
  private readonly groups: string[][];
  private readonly groupIndex = new Map<string, string[][]>();
  /** Openers (longest first), each with the punctuation after it, repeated, at the start of a text. */
  private readonly openersAtStart: RegExp;
  private lastStripped: [string, string] = ['', ''];
  private readonly groupWords: string[];
  private readonly labelGroups = new Map<string, string[][]>();

  constructor(file: LexiconFile) {
    const longestFirst = (list: string[]) => [...new Set(list)].sort((a, b) => b.length - a.length);
    this.openers = longestFirst(file.openers);
    const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    this.openersAtStart = this.openers.length
      ? new RegExp(`^(?:(?:${this.openers.map(escape).join('|')})[\\s，,。.！!？?、~～:：;；…]*)+`, 'iu')
      : /^(?!)/u;
    this.switches = longestFirst(file.switches);
    this.switchPatterns = file.patterns_switch.map((p) => new RegExp(p, 'u'));
    this.human = longestFirst(file.human);
    this.humanUnless = file.human_unless;
    this.meta = file.meta;
    this.questions = file.questions;
    this.wants = file.wants;
    this.skips = file.skips;
    this.corrections = file.corrections;
    this.negations = longestFirst(file.negations);
    this.groups = file.word_groups.map(longestFirst);
    for (const group of this.groups) for (const word of group) this.groupIndex.set(word, [...(this.groupIndex.get(word) ?? []), group]);
    this.groupWords = [...this.groupIndex.keys()];
  }

  /** The text without the greetings and politeness residents put first ("您好！请问…"). */
  stripOpeners(text: string): string {
    // Asked several times a turn for the same message: the last answer is kept.
    if (text === this.lastStripped[0]) return this.lastStripped[1];
    const stripped = text.replace(PUNCTUATION, '').replace(this.openersAtStart, '');
    this.lastStripped = [text, stripped];
    return stripped;
  }

  /** True when the message is nothing but openers ("你好", "在吗？"). */
  isOnlyOpeners(text: string): boolean {
    return text.trim() !== '' && this.stripOpeners(text) === '';
  }

  /**
   * A switch away from the current question at the start of the message ("先不弄这个了，公积金
   * 怎么提"): what follows it, possibly empty. Undefined when the message does not start with one.
   */
  afterSwitch(text: string): string | undefined {
    let rest: string | undefined;
    // Several in a row ("算了，先不约了，我想问问公积金") are one switch.
    for (let t = this.stripOpeners(text), next = this.#oneSwitch(t); next !== undefined; t = next, next = this.#oneSwitch(t)) rest = next;
    return rest;
  }

  #oneSwitch(t: string): string | undefined {
    if (!t) return undefined;
    for (const pattern of this.switchPatterns) {
      const m = pattern.exec(t);
      if (m && m.index === 0 && m[0].length > 0) return t.slice(m[0].length).replace(PUNCTUATION, '');
    }
    for (const marker of this.switches) {
      if (t.startsWith(marker)) return t.slice(marker.length).replace(PUNCTUATION, '');
    }
    return undefined;
  }

  /** Asking for a person, or fed up with the bot ("找个活人", "别让机器人回答"). */
  asksForHuman(text: string): boolean {
    if (this.humanUnless.some((u) => text.includes(u))) return false;
    return this.mentions(text, this.human).some((m) => !m.negated || m.phrase.startsWith('不') || m.phrase.startsWith('别'));
  }

  /** Talk about the conversation, not content ("刚才不是说了吗"). */
  isMeta(text: string): boolean {
    const t = text.replace(/[\s，,。.！!？?~～]/gu, '');
    return t.length <= 16 && this.meta.some((m) => t.includes(m));
  }

  /** The message asks something (怎么, 吗, 要带啥 …). */
  isQuestion(text: string): boolean {
    return this.questions.some((q) => text.includes(q));
  }

  /** The message asks for something: a question, or a wish to do it ("我想办…", "申请…"). */
  isRequest(text: string): boolean {
    return this.isQuestion(text) || this.wants.some((w) => text.includes(w));
  }

  /** The resident says an earlier answer was wrong ("我说错了", "不对，是…"). */
  isCorrection(text: string): boolean {
    return this.corrections.some((w) => text.includes(w));
  }

  /**
   * What a message says once it corrects itself ("我想办居住证，哦不对，我是想问结婚登记" → the part after
   * the last correction), or undefined when it does not.
   */
  afterCorrection(text: string): string | undefined {
    let at = -1;
    let length = 0;
    for (const w of this.corrections) {
      const i = text.lastIndexOf(w);
      if (i > at) [at, length] = [i, w.length];
    }
    if (at < 0) return undefined;
    const rest = text.slice(at + length).replace(PUNCTUATION, '');
    return rest || undefined;
  }

  /** Passing on a question ("记不清了", "照片没拍", "不记得是哪个了"): short, and says so. */
  isSkip(text: string): boolean {
    const t = text.replace(/[\s，,。.！!~～]/gu, '');
    return t.length > 0 && t.length <= 12 && this.skips.some((w) => t.includes(w));
  }

  /** The word groups a word belongs to (empty when none). */
  groupsOf(word: string): string[][] {
    return this.groupIndex.get(word) ?? [];
  }

  /**
   * Every group with a word found in `text` (for expanding an option's label), longest words
   * first: "非户籍地" belongs to 外地 only, not also to 户籍地's group.
   */
  groupsIn(text: string): string[][] {
    const known = this.labelGroups.get(text);
    if (known) return known;
    // What a label says outright: not its bracketed explanation, not what it denies ("不是夫妻共有").
    const said = text.toLowerCase().replace(/（[^）]*）|\([^)]*\)/gu, ' ');
    const found = this.mentions(said, this.groupWords).filter((m) => !m.negated);
    const groups = [...new Set(found.flatMap((m) => this.groupsOf(m.phrase)))];
    // Labels repeat on every turn that shows them: remember them (bounded).
    if (this.labelGroups.size > 2000) this.labelGroups.clear();
    this.labelGroups.set(text, groups);
    return groups;
  }

  /**
   * Occurrences of `phrases` in `text`, longest first and never overlapping, each marked negated
   * when a negation ends right before it in the same clause ("不是丢的，是坏了": 丢 negated).
   */
  mentions(text: string, phrases: readonly string[]): Mention[] {
    // Runs on every message against every word list: no allocation until something is found. A
    // phrase listed twice is found twice at the same place; the overlap check drops the second.
    const all: { phrase: string; index: number }[] = [];
    for (const phrase of phrases) {
      if (!phrase) continue;
      for (let index = text.indexOf(phrase); index >= 0; index = text.indexOf(phrase, index + 1)) all.push({ phrase, index });
    }
    if (all.length === 0) return [];
    // Longest first; of equal length the earlier one ("不是本地户口": 不是本地 before 本地户口).
    all.sort((a, b) => b.phrase.length - a.phrase.length || a.index - b.index);
    const taken: [number, number][] = [];
    const found: Mention[] = [];
    for (const { phrase, index } of all) {
      const end = index + phrase.length;
      if (taken.some(([s, e]) => index < e && end > s)) continue;
      taken.push([index, end]);
      found.push({ phrase, index, negated: this.negatedAt(text, index) });
    }
    return found.sort((a, b) => a.index - b.index);
  }

  private negatedAt(text: string, index: number): boolean {
    let start = index;
    while (start > 0 && !CLAUSE_BREAK.test(text[start - 1] ?? '')) start--;
    const before = text.slice(start, index);
    return this.negations.some((n) => {
      const at = before.lastIndexOf(n);
      return at >= 0 && NEGATION_FILLER.test(before.slice(at + n.length));
    });
  }
}

let shipped: Lexicon | undefined;

/** The lexicon from a file (default: the shipped one, read once). Errors name the file and field. */
export function loadLexicon(file: string = DEFAULT_LEXICON_FILE): Lexicon {
  if (file === DEFAULT_LEXICON_FILE && shipped) return shipped;
  const result = LexiconFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid lexicon'}`);
  }
  for (const pattern of result.data.patterns_switch) {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      throw new Error(`${file}: patterns_switch: ${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message})`);
    }
  }
  const lexicon = new Lexicon(result.data);
  if (file === DEFAULT_LEXICON_FILE) shipped = lexicon;
  return lexicon;
}
