import { PERSONAL_NUMBER_PATTERNS } from '../../bot/pii';
import type { DialogueSnapshot } from '../../bot/understanding/snapshot';

/**
 * ID and phone numbers never leave the service: before a prompt is built every string of the
 * snapshot has them replaced by placeholders ("[ID_1]", "[PHONE_1]"), the same number always by
 * the same placeholder, and the model's answer gets the numbers back. A model that writes a
 * placeholder it was not given is caught by the refinement (schema-refine.ts).
 */
export interface Masking {
  /** The snapshot as the model may see it. */
  snapshot: DialogueSnapshot;
  /** Placeholder → the original text. */
  placeholders: ReadonlyMap<string, string>;
  /** Every string inside `value` with known placeholders replaced by what they stand for. */
  restore<T>(value: T): T;
}

/** What a placeholder looks like, ours or one a model made up. */
export const PLACEHOLDER = /\[(?:ID|PHONE)_\d+\]/g;

export function maskSnapshot(snapshot: DialogueSnapshot): Masking {
  const everything = JSON.stringify(snapshot);
  const byOriginal = new Map<string, string>();
  const placeholders = new Map<string, string>();
  const counters = { ID: 0, PHONE: 0 };

  const placeholderFor = (label: 'ID' | 'PHONE') => (original: string) => {
    const known = byOriginal.get(original);
    if (known) return known;
    let candidate: string;
    // A resident who typed "[PHONE_1]" themselves must not get a number back in its place.
    do candidate = `[${label}_${++counters[label]}]`;
    while (everything.includes(candidate));
    byOriginal.set(original, candidate);
    placeholders.set(candidate, original);
    return candidate;
  };
  const mask = (text: string) => PERSONAL_NUMBER_PATTERNS.reduce((t, { kind, pattern }) => t.replace(pattern, placeholderFor(kind)), text);
  const restoreText = (text: string) => text.replace(PLACEHOLDER, (token) => placeholders.get(token) ?? token);

  return {
    snapshot: mapStrings(snapshot, mask),
    placeholders,
    restore: (value) => mapStrings(value, restoreText),
  };
}

/** Placeholders in `text` that this masking did not hand out. */
export function unknownPlaceholders(text: string, placeholders: ReadonlyMap<string, string>): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((token) => !placeholders.has(token));
}

/** A copy of plain data (objects, arrays, strings, numbers …) with `f` applied to every string. */
function mapStrings<T>(value: T, f: (text: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, f)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, f)])) as T;
  }
  return value;
}
