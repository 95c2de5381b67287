import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ServiceFinder, ServiceMatch } from '../../../../bot/ports';
import type { Bundle, ServiceItem } from '../schema';
import { classify, DEFAULT_CLASSIFY_OPTIONS } from './classify';
import type { CatalogSearch, SearchHit } from './search-index';
import { normalizeText } from './normalize';

export const DEFAULT_KEY_OBJECTS_PATH = fileURLToPath(new URL('../../../../flows/catalog/key-objects.yaml', import.meta.url));

export const KeyObjectsSchema = z.strictObject({
  objects: z.array(z.strictObject({ name: z.string().min(1), words: z.array(z.string().min(1)).min(1) })).default([]),
  generic: z.array(z.strictObject({ words: z.array(z.string().min(1)).min(1), within: z.string(), offer: z.array(z.string().min(1)).max(4).optional() })).default([]),
});
export type KeyObjects = z.infer<typeof KeyObjectsSchema>;

export function loadKeyObjects(path = DEFAULT_KEY_OBJECTS_PATH): KeyObjects {
  const result = KeyObjectsSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) throw new Error(`loadKeyObjects(): invalid ${path}: ${z.prettifyError(result.error)}`);
  return result.data;
}

// Words that carry no object: what is left of "我想办个证" once they are gone is the object.
const FILLER = /[我想要去给帮能可以怎么咋如何办理一下个吗呢啊吧的了请问呀嘛哦？?，,。！!\s]/gu;

/**
 * The catalogue search with the evidence a conversation needs (issue: confidently wrong
 * services): the margin between the top hits (classify), the key objects a request names —
 * only services about them can match, and two named objects are asked about — and generic
 * requests ("办个证") that always get a short choice instead of the first hit.
 */
export function catalogServiceFinder(search: CatalogSearch, catalog: { items: readonly ServiceItem[]; bundles: readonly Bundle[] }, keys: KeyObjects = loadKeyObjects()): ServiceFinder {
  const about = new Map<string, string>();
  const names = new Map<string, string>();
  for (const e of [...catalog.items, ...catalog.bundles]) {
    about.set(e.code, normalizeText([e.name, ...e.aliases, ...e.keywords].join(' ')));
    names.set(e.code, e.name);
  }
  const objects = keys.objects.map((o) => ({ name: o.name, words: o.words.map(normalizeText) }));

  const named = (text: string) => objects.filter((o) => o.words.some((w) => text.includes(w)));
  const isAbout = (hit: SearchHit, object: { words: string[] }) => object.words.some((w) => about.get(hit.code)?.includes(w));
  const candidates = (hits: readonly { code: string; name: string; score: number }[]) => hits.map((h) => ({ code: h.code, name: h.name, score: Math.round(h.score * 100) / 100 }));

  return {
    find(raw: string): ServiceMatch {
      const text = normalizeText(raw);
      let hits = search.search(text, { limit: 8 });
      const objectsNamed = named(text);
      if (objectsNamed.length) hits = hits.filter((h) => objectsNamed.some((o) => isAbout(h, o)));
      const generic = objectsNamed.length === 0 ? keys.generic.find((g) => g.words.some((w) => text.includes(w)) && text.replace(FILLER, '').length <= Math.max(...g.words.map((w) => w.length)) + 1) : undefined;
      if (generic) {
        const offered = (generic.offer ?? []).flatMap((code) => (names.has(code) ? [{ code, name: names.get(code) ?? code, score: 0 }] : []));
        const fitting = offered.length ? offered : hits.filter((h) => h.name.includes(generic.within));
        if (fitting.length > 1) return { kind: 'ambiguous', services: candidates(fitting.slice(0, DEFAULT_CLASSIFY_OPTIONS.maxChoices)) };
      }
      // Two things named ("身份证和驾照都丢了"): ask which first, whatever the scores say.
      if (objectsNamed.length > 1) {
        const each = objectsNamed.flatMap((o) => hits.find((h) => isAbout(h, o)) ?? []);
        const distinct = [...new Map(each.map((h) => [h.code, h])).values()];
        if (distinct.length > 1) return { kind: 'ambiguous', services: candidates(distinct.slice(0, DEFAULT_CLASSIFY_OPTIONS.maxChoices)) };
      }
      const result = classify(hits);
      if (result.kind === 'single') return { kind: 'single', services: candidates([result.hit]) };
      if (result.kind === 'ambiguous') return { kind: 'ambiguous', services: candidates(result.choices) };
      return { kind: 'none', services: candidates(result.suggestions) };
    },
  };
}
