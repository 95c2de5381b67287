import { z } from 'zod';
import type { Bundle, ServiceItem } from '../schema';
import { buildBm25, type QueryTerm, type WeightedField } from './bm25';
import { createConfusionFixer, normalizeText } from './normalize';
import type { SearchVocabulary } from './synonyms';
import { createTokenizer } from './tokenizer';

/** What search needs to know of a catalogue entry; results only ever come from these. */
export const SearchEntrySchema = z.object({
  code: z.string().min(1),
  kind: z.enum(['item', 'bundle']),
  name: z.string().min(1),
  aliases: z.array(z.string()),
  keywords: z.array(z.string()),
});
export type SearchEntry = z.infer<typeof SearchEntrySchema>;

export type SearchHit = { code: string; kind: 'item' | 'bundle'; name: string; score: number };

export type SearchOptions = { limit?: number };

/**
 * Ranked catalogue search over a resident's free text. Build once per catalogue version
 * (jieba dictionary load ≈ 200 ms); a query then takes microseconds and is deterministic.
 */
export type CatalogSearch = {
  /** Best matches first; only entries with a positive score; ties broken by code. */
  readonly search: (query: string, options?: SearchOptions) => SearchHit[];
  /** The query as the index sees it (normalised, typos fixed, synonym terms), for debugging. */
  readonly explain: (query: string) => { text: string; terms: QueryTerm[] };
  readonly size: number;
};

// Field weights: a hit in the name says most; synonym phrases the least.
const FIELD_WEIGHT = { name: 3, aliases: 2, keywords: 1.5, synonyms: 0.8 } as const;
const BIGRAM_FIELD_WEIGHT = { name: 1.5, aliases: 1, keywords: 0.8 } as const;
// A bigram is a weak signal compared with a whole word; a synonym's canonical term nearly a full one.
const QUERY_WEIGHT = { word: 1, canonical: 0.9, bigram: 0.3 } as const;
const BIGRAM_PREFIX = '#';

/** Map catalogue records to search entries. */
export function searchEntriesFrom(items: readonly ServiceItem[], bundles: readonly Bundle[]): SearchEntry[] {
  return [
    ...items.map((item) => ({ code: item.code, kind: 'item' as const, name: item.name, aliases: item.aliases, keywords: item.keywords })),
    ...bundles.map((bundle) => ({ code: bundle.code, kind: 'bundle' as const, name: bundle.name, aliases: bundle.aliases, keywords: bundle.keywords })),
  ];
}

type Expansion = { phrases: string[]; canonical: string[] };

export function buildCatalogSearch(entries: readonly SearchEntry[], vocabulary: SearchVocabulary): CatalogSearch {
  const fixTypos = createConfusionFixer(
    Object.entries(vocabulary.typos).map(([wrong, right]) => [normalizeText(wrong), normalizeText(right)] as const),
  );
  const clean = (text: string) => fixTypos(normalizeText(text));
  const expansions: Expansion[] = vocabulary.synonyms.map((group) => ({
    phrases: group.phrases.map(clean).filter(Boolean),
    canonical: group.canonical.map(clean).filter(Boolean),
  }));

  const docs = entries.map((entry) => ({
    entry,
    name: clean(entry.name),
    aliases: entry.aliases.map(clean),
    keywords: entry.keywords.map(clean),
  }));

  const userWords = new Set<string>();
  for (const doc of docs) [doc.name, ...doc.aliases, ...doc.keywords].forEach((w) => userWords.add(w));
  for (const { phrases, canonical } of expansions) [...phrases, ...canonical].forEach((w) => userWords.add(w));
  const tokenizer = createTokenizer(userWords);

  const wordsOf = (texts: readonly string[]) => texts.flatMap((t) => tokenizer.words(t));
  const bigramsOf = (texts: readonly string[]) => texts.flatMap((t) => tokenizer.bigrams(t)).map((b) => BIGRAM_PREFIX + b);

  const fields = docs.map((doc): WeightedField[] => {
    const all = [doc.name, ...doc.aliases, ...doc.keywords].join(' ');
    // Colloquial phrases of every synonym group whose canonical terms this entry uses.
    const synonymPhrases = expansions.filter((e) => e.canonical.some((c) => all.includes(c))).flatMap((e) => e.phrases);
    return [
      { terms: wordsOf([doc.name]), weight: FIELD_WEIGHT.name },
      { terms: wordsOf(doc.aliases), weight: FIELD_WEIGHT.aliases },
      { terms: wordsOf(doc.keywords), weight: FIELD_WEIGHT.keywords },
      { terms: wordsOf(synonymPhrases), weight: FIELD_WEIGHT.synonyms },
      { terms: bigramsOf([doc.name]), weight: BIGRAM_FIELD_WEIGHT.name },
      { terms: bigramsOf(doc.aliases), weight: BIGRAM_FIELD_WEIGHT.aliases },
      { terms: bigramsOf(doc.keywords), weight: BIGRAM_FIELD_WEIGHT.keywords },
    ];
  });
  const index = buildBm25(fields);
  // Segment each group's canonical terms once, not on every query.
  const canonicalWords = expansions.map((e) => wordsOf(e.canonical));

  function explain(query: string): { text: string; terms: QueryTerm[] } {
    const text = clean(query);
    const weights = new Map<string, number>();
    const add = (term: string, weight: number) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    for (const word of tokenizer.words(text)) add(word, QUERY_WEIGHT.word);
    expansions.forEach(({ phrases }, i) => {
      if (!phrases.some((p) => text.includes(p))) return;
      for (const word of canonicalWords[i] ?? []) add(word, QUERY_WEIGHT.canonical);
    });
    for (const bigram of bigramsOf([text])) add(bigram, QUERY_WEIGHT.bigram);
    return { text, terms: [...weights].map(([term, weight]) => ({ term, weight })) };
  }

  function search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 5;
    const scores = index.score(explain(query).terms);
    const hits: SearchHit[] = [];
    scores.forEach((score, i) => {
      const doc = docs[i];
      if (doc && score > 0) hits.push({ code: doc.entry.code, kind: doc.entry.kind, name: doc.entry.name, score });
    });
    hits.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
    return hits.slice(0, limit);
  }

  return { search, explain, size: entries.length };
}
