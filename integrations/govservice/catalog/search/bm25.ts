/**
 * A small BM25F-style index: each document is a set of weighted fields of terms; a term's
 * frequency in a document is the field-weighted sum of its counts, and document length is the
 * field-weighted term count. Plenty for a catalogue of tens to a few thousand entries, with no
 * dependency to audit.
 */

/** One field of a document: its terms and how much a hit in it counts. */
export type WeightedField = { readonly terms: readonly string[]; readonly weight: number };

/** A query term with its own weight (original words weigh more than synonym expansions or bigrams). */
export type QueryTerm = { readonly term: string; readonly weight: number };

export type Bm25Options = { readonly k1?: number; readonly b?: number };

export type Bm25Index = {
  /** Score every document; returns one score per document in insertion order. */
  readonly score: (query: readonly QueryTerm[]) => Float64Array;
  /** Whether any document holds the term. */
  readonly has: (term: string) => boolean;
  readonly size: number;
};

export function buildBm25(docs: readonly (readonly WeightedField[])[], options: Bm25Options = {}): Bm25Index {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.6;
  const n = docs.length;
  // term → list of [docIndex, weighted tf]
  const postings = new Map<string, Array<[number, number]>>();
  const lengths = new Float64Array(n);

  docs.forEach((fields, docIndex) => {
    const tf = new Map<string, number>();
    for (const field of fields) {
      for (const term of field.terms) tf.set(term, (tf.get(term) ?? 0) + field.weight);
      lengths[docIndex] = (lengths[docIndex] ?? 0) + field.weight * field.terms.length;
    }
    for (const [term, freq] of tf) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push([docIndex, freq]);
    }
  });

  const avgLength = n === 0 ? 1 : lengths.reduce((sum, len) => sum + len, 0) / n || 1;
  const idf = new Map<string, number>();
  for (const [term, list] of postings) {
    const df = list.length;
    idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  const norms = Float64Array.from(lengths, (len) => k1 * (1 - b + (b * len) / avgLength));

  return {
    size: n,
    has: (term) => postings.has(term),
    score(query) {
      const scores = new Float64Array(n);
      for (const { term, weight } of query) {
        const list = postings.get(term);
        if (!list) continue;
        const termIdf = idf.get(term) ?? 0;
        for (const [docIndex, freq] of list) {
          scores[docIndex] = (scores[docIndex] ?? 0) + (weight * termIdf * freq * (k1 + 1)) / (freq + (norms[docIndex] ?? k1));
        }
      }
      return scores;
    },
  };
}
