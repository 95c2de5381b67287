import type { Catalog } from './catalog';
import type { Answers, Bundle, Dimension, Fee, Material, MaterialForm, ServiceItem, When } from './schema';

/** What answers are asked about: one item, or a bundle with its member items resolved. */
export type Target = { kind: 'item'; item: ServiceItem } | { kind: 'bundle'; bundle: Bundle; items: ServiceItem[] };

/** The item or bundle with this code, ready for questionsFor/composeAnswer. */
export function targetOf(catalog: Catalog, code: string): Target | undefined {
  const item = catalog.getItem(code);
  if (item) return { kind: 'item', item };
  const bundle = catalog.getBundle(code);
  if (!bundle) return undefined;
  return { kind: 'bundle', bundle, items: bundle.items.flatMap((c) => catalog.getItem(c) ?? []) };
}

export function itemsOf(target: Target): ServiceItem[] {
  return target.kind === 'item' ? [target.item] : target.items;
}

/** Answers plus those the bundle implies. */
export function effectiveAnswers(target: Target, answers: Answers): Answers {
  return target.kind === 'bundle' ? { ...answers, ...target.bundle.fixedAnswers } : answers;
}

/** Dimensions of the target in question order, first definition wins for shared ids. */
export function dimensionsOf(target: Target): Dimension[] {
  const seen = new Map<string, Dimension>();
  for (const item of itemsOf(target)) for (const d of item.dimensions) if (!seen.has(d.id)) seen.set(d.id, d);
  return [...seen.values()];
}

/** 'yes' when every condition is met, 'no' when a known answer breaks one, else 'unknown' (with the open conditions). */
export function matchWhen(when: When | undefined, answers: Answers): { status: 'yes' | 'no' | 'unknown'; open: When } {
  const open: When = {};
  for (const [dim, values] of Object.entries(when ?? {})) {
    const answer = answers[dim];
    if (answer === undefined) open[dim] = values;
    else if (!values.includes(answer)) return { status: 'no', open: {} };
  }
  return { status: Object.keys(open).length > 0 ? 'unknown' : 'yes', open };
}

/** Every rule of an item whose `when` can change the answer. */
export function conditionalRules(item: ServiceItem): When[] {
  const fees: Fee[] = Array.isArray(item.fees) ? item.fees : [];
  return [...item.materials, ...item.conditions, ...fees].flatMap((r) => (r.when ? [r.when] : []));
}

export interface ResolvedMaterial {
  material: Material;
  form: MaterialForm;
  copies: number;
  notes: string[];
  /** Set when the material is needed only if these still-unanswered conditions hold. */
  onlyIf?: When;
  /** Items that need it (one for an item; all members needing it in a bundle). */
  neededBy: { code: string; name: string }[];
}

function pushUnique(list: string[], value: string | undefined): void {
  if (value && !list.includes(value)) list.push(value);
}

function materialsOfItem(item: ServiceItem, answers: Answers, catalog: Catalog): ResolvedMaterial[] {
  const byRef = new Map<string, ResolvedMaterial>();
  for (const entry of item.materials) {
    const { status, open } = matchWhen(entry.when, answers);
    if (status === 'no') continue;
    const material = catalog.getMaterial(entry.ref);
    if (!material) continue; // the loader guarantees refs exist
    const onlyIf = status === 'unknown' ? open : undefined;
    const found = byRef.get(entry.ref);
    if (found) {
      pushUnique(found.notes, entry.note);
      if (!onlyIf) found.onlyIf = undefined; // a definite need wins over a conditional one
      found.copies = Math.max(found.copies, entry.copies ?? material.copies);
      continue;
    }
    const notes: string[] = [];
    pushUnique(notes, entry.note);
    byRef.set(entry.ref, {
      material,
      form: entry.form ?? material.form,
      copies: entry.copies ?? material.copies,
      notes,
      onlyIf,
      neededBy: [{ code: item.code, name: item.name }],
    });
  }
  return [...byRef.values()];
}

/**
 * The materials the target needs for these answers. In a bundle, a material several items need
 * appears once, attributed to every item that needs it (一套材料).
 */
export function resolveMaterials(target: Target, answers: Answers, catalog: Catalog): ResolvedMaterial[] {
  const all = effectiveAnswers(target, answers);
  const merged = new Map<string, ResolvedMaterial>();
  for (const item of itemsOf(target)) {
    for (const m of materialsOfItem(item, all, catalog)) {
      const found = merged.get(m.material.id);
      if (!found) {
        merged.set(m.material.id, m);
        continue;
      }
      found.neededBy.push(...m.neededBy);
      found.copies = Math.max(found.copies, m.copies);
      m.notes.forEach((n) => pushUnique(found.notes, n));
      if (!m.onlyIf) found.onlyIf = undefined;
    }
  }
  return [...merged.values()];
}

/** Human labels of conditions, e.g. 「丢失补领、在户籍地（本市户口）办理」. */
export function describeWhen(when: When, dims: Dimension[]): string {
  return Object.entries(when)
    .map(([dimId, values]) => {
      const dim = dims.find((d) => d.id === dimId);
      return values.map((v) => dim?.options.find((o) => o.value === v)?.label ?? v).join('或');
    })
    .join('，且');
}
