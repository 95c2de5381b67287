import type { Catalog } from './catalog';
import type { Answers, Bundle, Dimension, Fee, Material, MaterialForm, ServiceItem, When } from './schema';

/** A member of a bundle: the item, and when it is part of the bundle. */
export interface Member {
  item: ServiceItem;
  when?: When;
}

/** What answers are asked about: one item, or a bundle with its member items resolved. */
export type Target = { kind: 'item'; item: ServiceItem } | { kind: 'bundle'; bundle: Bundle; items: ServiceItem[]; members: Member[] };

/** The item or bundle with this code, ready for questionsFor/composeBrief. */
export function targetOf(catalog: Catalog, code: string): Target | undefined {
  const item = catalog.getItem(code);
  if (item) return { kind: 'item', item };
  const bundle = catalog.getBundle(code);
  if (!bundle) return undefined;
  const members = bundle.items.flatMap((m) => {
    const found = catalog.getItem(m.code);
    return found ? [{ item: found, when: m.when }] : [];
  });
  return { kind: 'bundle', bundle, items: members.map((m) => m.item), members };
}

/** Every item of the target (all members of a bundle, whatever the answers). */
export function itemsOf(target: Target): ServiceItem[] {
  return target.kind === 'item' ? [target.item] : target.items;
}

/** The members that apply under these answers (a member whose condition is still open counts). */
export function activeItems(target: Target, answers: Answers): ServiceItem[] {
  if (target.kind === 'item') return [target.item];
  const all = effectiveAnswers(target, answers);
  return target.members.filter((m) => matchWhen(m.when, all).status !== 'no').map((m) => m.item);
}

/** Answers plus those the bundle implies. */
export function effectiveAnswers(target: Target, answers: Answers): Answers {
  return target.kind === 'bundle' ? { ...answers, ...target.bundle.fixedAnswers } : answers;
}

/** Dimensions of the target in question order (a bundle's own first), first definition wins for shared ids. */
export function dimensionsOf(target: Target): Dimension[] {
  const seen = new Map<string, Dimension>();
  const own = target.kind === 'bundle' ? target.bundle.dimensions : [];
  for (const d of [...own, ...itemsOf(target).flatMap((i) => i.dimensions)]) if (!seen.has(d.id)) seen.set(d.id, d);
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
  const provided = new Set(target.kind === 'bundle' ? target.bundle.provided.map((p) => p.item) : []);
  const same = target.kind === 'bundle' ? target.bundle.sameMaterials : {};
  const waived = new Set(target.kind === 'bundle' ? target.bundle.waived : []);
  for (const item of activeItems(target, answers)) {
    if (provided.has(item.code)) continue; // the bundle hands this member's materials over itself
    for (const own of materialsOfItem(item, all, catalog).filter((x) => !waived.has(x.material.id))) {
      const stand = same[own.material.id] ? catalog.getMaterial(same[own.material.id] ?? '') : undefined;
      // A stand-in keeps the item's scenario but not its wording: the note belonged to the other material.
      const m = stand ? { ...own, material: stand, form: stand.form, copies: stand.copies, notes: [] } : own;
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
