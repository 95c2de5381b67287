import { normalizeText as normalizeResidentText } from '../../../../bot/normalize';

/**
 * Text normalisation for catalogue search: the runtime's normaliser (traditional → simplified,
 * full-width → half-width, controls removed), then lower case, with punctuation and emoji turned
 * into spaces.
 */

// Everything that is not a letter, a digit or a Han character separates words.
const NON_WORD = /[^\p{Script=Han}\p{L}\p{N}]+/gu;

/** Normalise free text; the result holds only lower-case letters, digits, Han characters and single spaces. */
export function normalizeText(input: string): string {
  return normalizeResidentText(input).toLowerCase().replace(NON_WORD, ' ').trim();
}

/** A typo table entry: a wrong spelling and what residents meant. */
export type Confusion = readonly [wrong: string, right: string];

/**
 * Replace known typos (身分证 → 身份证). Longest wrong spelling first so that overlapping
 * entries resolve predictably.
 */
export function createConfusionFixer(confusions: readonly Confusion[]): (text: string) => string {
  const sorted = [...confusions].sort((a, b) => b[0].length - a[0].length);
  if (sorted.length === 0) return (text) => text;
  const byWrong = new Map(sorted.map(([wrong, right]) => [wrong, right]));
  const pattern = new RegExp(sorted.map(([wrong]) => escapeRegExp(wrong)).join('|'), 'g');
  return (text) => text.replace(pattern, (match) => byWrong.get(match) ?? match);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
