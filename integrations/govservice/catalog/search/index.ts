import type { Catalog } from '../catalog';
import { loadCatalog } from '../loader';
import { buildCatalogSearch, searchEntriesFrom, type CatalogSearch } from './search-index';
import { loadSearchVocabulary, type SearchVocabulary } from './synonyms';

export { classify, DEFAULT_CLASSIFY_OPTIONS, type Classification, type ClassifyOptions } from './classify';
export { buildCatalogSearch, searchEntriesFrom, type CatalogSearch, type SearchEntry, type SearchHit, type SearchOptions } from './search-index';
export { loadSearchVocabulary, parseSearchVocabulary, type SearchVocabulary } from './synonyms';
export { normalizeText } from './normalize';

export type LoadCatalogSearchOptions = {
  /** An already loaded catalogue; by default the shipped one (flows/catalog). */
  catalog?: Pick<Catalog, 'items' | 'bundles'>;
  /** Search vocabulary; by default flows/catalog/synonyms.yaml. */
  vocabulary?: SearchVocabulary;
};

/** Build the catalogue search over the shipped (or given) catalogue and vocabulary. */
export async function loadCatalogSearch(options: LoadCatalogSearchOptions = {}): Promise<CatalogSearch> {
  const catalog = options.catalog ?? (await loadCatalog());
  const vocabulary = options.vocabulary ?? loadSearchVocabulary();
  return buildCatalogSearch(searchEntriesFrom(catalog.items, catalog.bundles), vocabulary);
}
