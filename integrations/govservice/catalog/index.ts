/**
 * The 一次性告知 catalogue: load it once (`loadCatalog`), find an item or bundle (`targetOf`),
 * ask what matters (`extractKnownAnswers`, `questionsFor`, `answerFromReply`), then tell it all
 * at once (`composeAnswer`, `forwardableSummary`). All answer functions are pure.
 */
export { loadCatalog, readCatalogSource, DEFAULT_CATALOG_DIR } from './loader';
export { buildCatalog, CatalogError, type Catalog, type CatalogProblem, type CatalogSource } from './catalog';
export { targetOf, resolveMaterials, type Target, type ResolvedMaterial } from './resolve';
export { questionsFor, answerFromReply, eligibilityOf, type Question } from './questions';
export { extractKnownAnswers } from './extract';
export { composeAnswer, forwardableSummary, DISCLAIMER, MAX_MESSAGE_BYTES, type ComposeOptions } from './answer';
export { nearestHall, distanceKm, describeToday, describeWeek, type LatLng } from './halls';
export type { Answers, Bundle, Dimension, Hall, Material, ServiceItem } from './schema';
