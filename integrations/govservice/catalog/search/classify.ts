import type { SearchHit } from './search-index';

/**
 * What a search result means for the conversation: one clear item, a few close ones to offer as
 * numbered choices, or nothing good enough (say so and suggest the closest, if any).
 */
export type Classification =
  | { kind: 'single'; hit: SearchHit }
  | { kind: 'ambiguous'; choices: SearchHit[] }
  | { kind: 'none'; suggestions: SearchHit[] };

export type ClassifyOptions = {
  /** Below this top score nothing is a match. */
  minScore?: number;
  /** Entries scoring at least this share of the top score compete with it. */
  closeRatio?: number;
  /** At most this many choices or suggestions. */
  maxChoices?: number;
};

export const DEFAULT_CLASSIFY_OPTIONS: Required<ClassifyOptions> = { minScore: 2.5, closeRatio: 0.8, maxChoices: 4 };

/** Classify hits as returned by `search()` (best first). */
export function classify(hits: readonly SearchHit[], options: ClassifyOptions = {}): Classification {
  const { minScore, closeRatio, maxChoices } = { ...DEFAULT_CLASSIFY_OPTIONS, ...options };
  const top = hits[0];
  if (!top || top.score < minScore) return { kind: 'none', suggestions: hits.slice(0, maxChoices) };
  const close = hits.filter((hit) => hit.score >= top.score * closeRatio).slice(0, maxChoices);
  return close.length > 1 ? { kind: 'ambiguous', choices: close } : { kind: 'single', hit: top };
}
