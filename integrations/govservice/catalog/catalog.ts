import type { z } from 'zod';
import { buildCalendarData, type CalendarDocs } from '../calendar/data';
import { createCalendar, type WorkCalendar } from '../calendar/calendar';
import { checkSchedule } from '../calendar/hours';
import {
  BundleSchema,
  HallsFileSchema,
  MaterialsFileSchema,
  ServiceItemSchema,
  type Bundle,
  type Dimension,
  type Hall,
  type Material,
  type ServiceItem,
  type When,
} from './schema';

/** The loaded, cross-checked catalogue. Lookups return undefined for unknown codes. */
export interface Catalog {
  items: ServiceItem[];
  bundles: Bundle[];
  halls: Hall[];
  materials: Material[];
  /** The working-day calendar with every hall's hours (halls are its schedules, by hall id). */
  calendar: WorkCalendar;
  getItem(code: string): ServiceItem | undefined;
  getBundle(code: string): Bundle | undefined;
  getHall(id: string): Hall | undefined;
  getMaterial(id: string): Material | undefined;
}

/** A raw parsed document and the file it came from (so errors can name it). */
export interface SourceDoc {
  file: string;
  data: unknown;
}

/** Everything a catalogue is built from, before validation. */
export interface CatalogSource {
  materials: SourceDoc;
  halls: SourceDoc;
  items: SourceDoc[];
  bundles: SourceDoc[];
  /** calendar/: the year files and regional.yaml. */
  calendar: CalendarDocs;
}

/** One problem found while building the catalogue: the file, the record and the field it concerns. */
export interface CatalogProblem {
  file: string;
  record?: string;
  field: string;
  message: string;
}

export class CatalogError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`catalogue refused (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'CatalogError';
  }
}

export function formatProblem(p: CatalogProblem): string {
  return `${p.file}: ${p.record ? `${p.record}: ` : ''}field "${p.field}": ${p.message}`;
}

function recordName(data: unknown, key: 'code' | 'id'): string | undefined {
  if (data && typeof data === 'object' && key in data) {
    const v = (data as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

function parseDoc<S extends z.ZodType>(schema: S, doc: SourceDoc, problems: CatalogProblem[], recordKey: 'code' | 'id'): z.infer<S> | undefined {
  const result = schema.safeParse(doc.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    // Name the record the failing field belongs to, e.g. the material id inside materials.yaml.
    let record = recordName(doc.data, recordKey);
    if (!record && typeof issue.path[1] === 'number') {
      const list = (doc.data as Record<string, unknown[]> | undefined)?.[String(issue.path[0])];
      record = Array.isArray(list) ? recordName(list[issue.path[1]], 'id') : undefined;
    }
    problems.push({ file: doc.file, record, field: issue.path.join('.') || '(root)', message: issue.message });
  }
  return undefined;
}

function checkWhen(when: When | undefined, dims: Map<string, Dimension>, push: (field: string, message: string) => void, field: string): void {
  for (const [dimId, values] of Object.entries(when ?? {})) {
    const dim = dims.get(dimId);
    if (!dim) {
      push(`${field}.when.${dimId}`, `unknown dimension "${dimId}"`);
      continue;
    }
    for (const v of values) if (!dim.options.some((o) => o.value === v)) push(`${field}.when.${dimId}`, `"${v}" is not an option of dimension "${dimId}"`);
  }
}

/** Every window group named in a hall's hours must be a window some item or bundle sends residents to. */
function checkHallWindows(hall: Hall, file: string, refs: { hall: string; window: string }[], problems: CatalogProblem[]): void {
  hall.hours.forEach((rule, i) => {
    for (const w of rule.windows ?? []) {
      if (!refs.some((r) => r.hall === hall.id && r.window === w)) problems.push({ file, record: hall.id, field: `hours.${i}.windows`, message: `no item or bundle uses window "${w}" at ${hall.id}` });
    }
  });
}

function checkItem(item: ServiceItem, file: string, materialIds: Set<string>, hallIds: Set<string>, problems: CatalogProblem[]): void {
  const push = (field: string, message: string) => problems.push({ file, record: item.code, field, message });
  const expected = `${item.code}.yaml`;
  if (!file.endsWith(expected)) push('code', `file must be named ${expected}`);
  const dims = new Map(item.dimensions.map((d) => [d.id, d]));
  if (dims.size !== item.dimensions.length) push('dimensions', 'dimension ids must be unique');
  item.materials.forEach((m, i) => {
    if (!materialIds.has(m.ref)) push(`materials.${i}.ref`, `unknown material "${m.ref}" (not in materials.yaml)`);
    checkWhen(m.when, dims, push, `materials.${i}`);
  });
  item.conditions.forEach((c, i) => checkWhen(c.when, dims, push, `conditions.${i}`));
  if (Array.isArray(item.fees)) item.fees.forEach((f, i) => checkWhen(f.when, dims, push, `fees.${i}`));
  item.halls.forEach((h, i) => {
    if (!hallIds.has(h.hall)) push(`halls.${i}.hall`, `unknown hall "${h.hall}" (not in halls.yaml)`);
  });
}

function checkBundle(bundle: Bundle, file: string, items: Map<string, ServiceItem>, hallIds: Set<string>, materialIds: Set<string>, problems: CatalogProblem[]): void {
  const push = (field: string, message: string) => problems.push({ file, record: bundle.code, field, message });
  if (!file.endsWith(`${bundle.code}.yaml`)) push('code', `file must be named ${bundle.code}.yaml`);
  const dims = new Map<string, Dimension>(bundle.dimensions.map((d) => [d.id, d]));
  const values = (x: Dimension) => x.options.map((o) => o.value).sort().join(',');
  bundle.items.forEach(({ code }, i) => {
    const item = items.get(code);
    if (!item) return push(`items.${i}`, `unknown item code "${code}"`);
    for (const d of item.dimensions) {
      const seen = dims.get(d.id);
      if (seen && values(seen) !== values(d)) push(`items.${i}`, `dimension "${d.id}" of ${code} has options [${values(d)}], another item has [${values(seen)}]`);
      if (!seen) dims.set(d.id, d);
    }
  });
  bundle.items.forEach((m, i) => checkWhen(m.when, dims, push, `items.${i}`));
  for (const [dimId, value] of Object.entries(bundle.fixedAnswers)) {
    const dim = dims.get(dimId);
    if (!dim) push(`fixedAnswers.${dimId}`, `no item of the bundle has dimension "${dimId}"`);
    else if (!dim.options.some((o) => o.value === value)) push(`fixedAnswers.${dimId}`, `"${value}" is not an option of "${dimId}"`);
  }
  for (const [from, to] of Object.entries(bundle.sameMaterials)) {
    for (const id of [from, to]) if (!materialIds.has(id)) push(`sameMaterials.${from}`, `unknown material "${id}" (not in materials.yaml)`);
  }
  bundle.waived.forEach((id, i) => {
    if (!materialIds.has(id)) push(`waived.${i}`, `unknown material "${id}" (not in materials.yaml)`);
  });
  const members = new Set(bundle.items.map((m) => m.code));
  bundle.provided.forEach((p, i) => {
    if (!members.has(p.item)) push(`provided.${i}.item`, `"${p.item}" is not a member of the bundle`);
  });
  bundle.eligibility.forEach((rule, i) => {
    if (dims.has(rule.id)) push(`eligibility.${i}.id`, `"${rule.id}" clashes with an item dimension`);
    for (const v of rule.eligible) if (!rule.options.some((o) => o.value === v)) push(`eligibility.${i}.eligible`, `"${v}" is not an option`);
  });
  bundle.halls.forEach((h, i) => {
    if (!hallIds.has(h.hall)) push(`halls.${i}.hall`, `unknown hall "${h.hall}" (not in halls.yaml)`);
  });
}

function uniqueBy<T>(list: { value: T; file: string }[], key: (t: T) => string, kind: string, problems: CatalogProblem[]): void {
  const seen = new Map<string, string>();
  for (const { value, file } of list) {
    const k = key(value);
    const first = seen.get(k);
    if (first) problems.push({ file, record: k, field: kind === 'material' || kind === 'hall' ? 'id' : 'code', message: `duplicate ${kind} "${k}" (first in ${first})` });
    else seen.set(k, file);
  }
}

/** Validates and cross-checks a catalogue source; throws CatalogError listing every problem. */
export function buildCatalog(source: CatalogSource): Catalog {
  const problems: CatalogProblem[] = [];
  const materials = parseDoc(MaterialsFileSchema, source.materials, problems, 'id')?.materials ?? [];
  const hallsFile = parseDoc(HallsFileSchema, source.halls, problems, 'id');
  const halls: Hall[] = (hallsFile?.halls ?? []).map((h) => ({ ...h, hours: h.hours ?? hallsFile?.defaultHours ?? [] }));
  const calendarData = buildCalendarData(source.calendar);
  problems.push(...calendarData.problems);
  const items = source.items.flatMap((doc) => {
    const item = parseDoc(ServiceItemSchema, doc, problems, 'code');
    return item ? [{ value: item, file: doc.file }] : [];
  });
  const bundles = source.bundles.flatMap((doc) => {
    const bundle = parseDoc(BundleSchema, doc, problems, 'code');
    return bundle ? [{ value: bundle, file: doc.file }] : [];
  });
  uniqueBy(materials.map((m) => ({ value: m, file: source.materials.file })), (m) => m.id, 'material', problems);
  uniqueBy(halls.map((h) => ({ value: h, file: source.halls.file })), (h) => h.id, 'hall', problems);
  uniqueBy<{ code: string }>([...items, ...bundles], (x) => x.code, 'code', problems);
  // Hours are checked against the region's seasons only once the calendar itself is sound.
  const seasons = calendarData.data?.regional.seasons.list;
  if (seasons) for (const h of halls) problems.push(...checkSchedule(h, seasons, source.halls.file));
  const refs = [...items, ...bundles].flatMap((x) => x.value.halls);
  for (const h of halls) checkHallWindows(h, source.halls.file, refs, problems);
  const materialIds = new Set(materials.map((m) => m.id));
  const hallIds = new Set(halls.map((h) => h.id));
  for (const { value, file } of items) checkItem(value, file, materialIds, hallIds, problems);
  const itemMap = new Map(items.map((x) => [x.value.code, x.value]));
  for (const { value, file } of bundles) checkBundle(value, file, itemMap, hallIds, materialIds, problems);
  if (problems.length > 0 || !calendarData.data) throw new CatalogError(problems);

  const bundleMap = new Map(bundles.map((x) => [x.value.code, x.value]));
  const hallMap = new Map(halls.map((h) => [h.id, h]));
  const materialMap = new Map(materials.map((m) => [m.id, m]));
  return {
    items: items.map((x) => x.value),
    bundles: bundles.map((x) => x.value),
    halls,
    materials,
    calendar: createCalendar(calendarData.data, halls),
    getItem: (code) => itemMap.get(code),
    getBundle: (code) => bundleMap.get(code),
    getHall: (id) => hallMap.get(id),
    getMaterial: (id) => materialMap.get(id),
  };
}
