import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/** Where the shipped search vocabulary lives. */
export const DEFAULT_SYNONYMS_PATH = fileURLToPath(new URL('../../../../flows/catalog/synonyms.yaml', import.meta.url));

const TermSchema = z.string().trim().min(1);

/** One synonym group: any of `phrases` in a query adds the `canonical` terms. */
export const SynonymGroupSchema = z.object({
  canonical: z.union([TermSchema, z.array(TermSchema).min(1)]).transform((c) => (Array.isArray(c) ? c : [c])),
  phrases: z.array(TermSchema).min(1),
});
export type SynonymGroup = z.infer<typeof SynonymGroupSchema>;

/** The search vocabulary file (flows/catalog/synonyms.yaml). */
export const SearchVocabularySchema = z.object({
  synonyms: z.array(SynonymGroupSchema).default([]),
  /** Wrong spelling → intended word. */
  typos: z.record(TermSchema, TermSchema).default({}),
});
export type SearchVocabulary = z.infer<typeof SearchVocabularySchema>;

/** Parse and validate vocabulary YAML; `origin` names the file in error messages. */
export function parseSearchVocabulary(yamlText: string, origin = 'synonyms.yaml'): SearchVocabulary {
  const result = SearchVocabularySchema.safeParse(parse(yamlText));
  if (!result.success) {
    throw new Error(`parseSearchVocabulary(): invalid ${origin}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export function loadSearchVocabulary(path = DEFAULT_SYNONYMS_PATH): SearchVocabulary {
  return parseSearchVocabulary(readFileSync(path, 'utf8'), path);
}
