/**
 * The 一次性告知 catalogue: load it once (`loadCatalog`), find an item or bundle (`targetOf`),
 * ask what matters (`extractKnownAnswers`, `questionsFor`, `answerFromReply`), then tell it all
 * at once, short first (`composeBrief`, then `composeDetails` on request, `forwardableSummary`).
 * All answer functions are pure; `staleEntries` lists entries not re-checked for twelve months.
 */
export { loadCatalog, readCatalogSource, DEFAULT_CATALOG_DIR } from './loader';
export { buildCatalog, CatalogError, type Catalog, type CatalogProblem, type CatalogSource } from './catalog';
export { targetOf, resolveMaterials, activeItems, type Target, type ResolvedMaterial } from './resolve';
export { questionsFor, openQuestions, answeredQuestions, questionOf, answerFromReply, eligibilityOf, type Question } from './questions';
export { extractKnownAnswers } from './extract';
export {
  composeBrief,
  composeDetails,
  forwardableSummary,
  isStale,
  staleEntries,
  DISCLAIMER,
  STALE_NOTE,
  UNVERIFIED_MARK,
  MAX_MESSAGE_BYTES,
  DETAIL_MESSAGE_BYTES,
  type ComposeOptions,
} from './answer';
export { canMail } from './answer-parts';
export { nearestHall, distanceKm, describeToday, describeWeek, type LatLng } from './halls';
export type { Answers, Bundle, Dimension, Hall, Material, ServiceItem } from './schema';
