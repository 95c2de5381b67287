import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pinyin } from 'pinyin-pro';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ServiceCandidate, ServiceFinder, ServiceMatch } from '../../../../bot/ports';
import type { Bundle, ServiceItem } from '../schema';
import { classify, DEFAULT_CLASSIFY_OPTIONS } from './classify';
import { normalizeText } from './normalize';
import type { CatalogSearch, SearchHit } from './search-index';

/** Runs of 7 or more digits (and the letters of application numbers around them). */
const LONG_NUMBER = /[A-Za-z]{0,4}\d{7,}[\dXx]*/gu;

export const DEFAULT_KEY_OBJECTS_PATH = fileURLToPath(new URL('../../../../flows/catalog/key-objects.yaml', import.meta.url));

export const KeyObjectsSchema = z.strictObject({
  objects: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        words: z.array(z.string().min(1)).min(1),
        /** The service meant when a request names the object and nothing else ("社保卡怎么办"). */
        default: z.string().min(1).optional(),
      }),
    )
    .default([]),
  generic: z.array(z.strictObject({ words: z.array(z.string().min(1)).min(1), within: z.string(), offer: z.array(z.string().min(1)).max(4).optional() })).default([]),
});
export type KeyObjects = z.infer<typeof KeyObjectsSchema>;

export function loadKeyObjects(path = DEFAULT_KEY_OBJECTS_PATH): KeyObjects {
  const result = KeyObjectsSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) throw new Error(`loadKeyObjects(): invalid ${path}: ${z.prettifyError(result.error)}`);
  return result.data;
}

// Words that carry no object: what is left of "我想办个证" once they are gone is the object.
const FILLER = /[我想要去给帮能可以怎么咋如何办理一下个吗呢啊吧的了请问呀嘛哦张些该需带什么啥材料手续那还再？?，,。！!\s]/gu;
// Doing something with an object in general, not a particular service ("社保卡怎么申请").
const PLAIN_ACTIONS = /申请|申领|办理|领取|新办|弄/gu;
// Two choices are only offered for two named things when the second scores at least this share of the first.
const SECOND_OBJECT_SHARE = 0.5;

type KeyObject = { name: string; words: string[]; default?: string; sounds: string[][] };

const syllables = (text: string): string[] => pinyin(text, { toneType: 'none', type: 'array', v: true });

/**
 * The catalogue search with the evidence a conversation needs (issue: confidently wrong
 * services): the margin between the top hits (classify); the key objects a request names — only
 * services about them can match, two named objects are asked about, a miswritten object that
 * sounds right is read as it sounds ("驾招" → 驾照), and an object named alone means its default
 * service; a 一件事 bundle and its own item named by the request mean the item; generic requests
 * ("办个证") always get a short choice instead of the first hit.
 */
export function catalogServiceFinder(search: CatalogSearch, catalog: { items: readonly ServiceItem[]; bundles: readonly Bundle[] }, keys: KeyObjects = loadKeyObjects()): ServiceFinder {
  const about = new Map<string, string>();
  const called = new Map<string, string>();
  const names = new Map<string, string>();
  for (const e of [...catalog.items, ...catalog.bundles]) {
    about.set(e.code, normalizeText([e.name, ...e.aliases, ...e.keywords].join(' ')));
    // An entry's own name and aliases: what it is called, not what it mentions.
    called.set(e.code, normalizeText([e.name, ...e.aliases].join(' ')));
    names.set(e.code, e.name);
  }
  const calledNames = new Map([...catalog.items, ...catalog.bundles].map((e) => [e.code, [e.name, ...e.aliases].map(normalizeText)]));
  const membersOf = new Map(catalog.bundles.map((b) => [b.code, new Set(b.items.map((m) => (typeof m === 'string' ? m : m.code)))]));
  const objects: KeyObject[] = keys.objects.map((o) => {
    const words = o.words.map(normalizeText);
    return { name: o.name, words, default: o.default, sounds: words.filter((w) => w.length >= 2).map(syllables) };
  });

  const named = (text: string) => objects.filter((o) => o.words.some((w) => text.includes(w)));
  const isAbout = (hit: SearchHit, object: KeyObject) => object.words.some((w) => about.get(hit.code)?.includes(w));
  const entry = (code: string): ServiceCandidate | undefined => (names.has(code) ? { code, name: names.get(code) ?? code, score: 0 } : undefined);
  const candidates = (hits: readonly ServiceCandidate[]) =>
    hits.map((h) => {
      const members = membersOf.get(h.code);
      return { code: h.code, name: h.name, score: Math.round(h.score * 100) / 100, ...(members ? { members: [...members] } : {}) };
    });
  const ambiguous = (hits: readonly ServiceCandidate[]): ServiceMatch => ({ kind: 'ambiguous', services: candidates(hits.slice(0, DEFAULT_CLASSIFY_OPTIONS.maxChoices)) });

  /** The text with a miswritten key object replaced by the one it sounds like ("残几证" → 残疾证). */
  function heard(text: string): string {
    if (!/\p{Script=Han}/u.test(text) || text.length > 40) return text;
    const said = syllables(text);
    for (const o of objects) {
      for (const [k, sound] of o.sounds.entries()) {
        const word = o.words.filter((w) => w.length >= 2)[k] ?? '';
        for (let i = 0; i + sound.length <= said.length; i++) {
          if (sound.every((s, j) => said[i + j] === s)) return text.slice(0, i) + word + text.slice(i + sound.length);
        }
      }
    }
    return text;
  }

  /** A 一件事 bundle and its own items compete: the item the request names by what it is called. */
  function memberNamed(choices: readonly SearchHit[], objectsNamed: KeyObject[]): SearchHit | undefined {
    const bundle = choices.find((h) => h.kind === 'bundle');
    const members = bundle ? membersOf.get(bundle.code) : undefined;
    if (!bundle || !members || !objectsNamed.length) return undefined;
    const others = choices.filter((h) => h !== bundle);
    if (!others.every((h) => members.has(h.code))) return undefined;
    const items = others.filter((h) => objectsNamed.some((o) => o.words.some((w) => called.get(h.code)?.includes(w))));
    return items.length === 1 ? items[0] : undefined;
  }

  function find(text: string): ServiceMatch {
    const objectsNamed = named(text);
    let hits = search.search(text, { limit: 8 });
    if (objectsNamed.length) hits = hits.filter((h) => objectsNamed.some((o) => isAbout(h, o)));
    const rest = text.replace(FILLER, '');
    // A request that is little more than a generic word ("办个证", "上户口", "证丢了") and names no
    // object of its own: "身份证丢了" and "社保卡怎么办" name theirs.
    const generic = keys.generic.find((g) =>
      g.words.some((w) => {
        if (!text.includes(w) || rest.length > w.replace(FILLER, '').length + 1) return false;
        return objectsNamed.every((o) => o.words.every((ow) => !text.includes(ow) || w.includes(ow)));
      }),
    );
    if (generic) {
      const offered = (generic.offer ?? []).flatMap((code) => entry(code) ?? []);
      const fitting = offered.length ? offered : hits.filter((h) => h.name.includes(generic.within));
      if (fitting.length > 1) return ambiguous(fitting);
    }
    // Two things named ("身份证和驾照都丢了"): one service about both ("二手房过户和水电气网一起办"),
    // else ask which first, unless one barely matches.
    if (objectsNamed.length > 1) {
      // "About both" means called after both (a name or alias), not merely mentioning one in passing.
      const both = hits.filter((h) => objectsNamed.every((o) => o.words.some((w) => called.get(h.code)?.includes(w))));
      if (both.length === 1 && both[0]) return { kind: 'single', services: candidates([both[0]]) };
      const top = hits[0]?.score ?? 0;
      const each = objectsNamed.flatMap((o) => hits.find((h) => isAbout(h, o) && h.score >= top * SECOND_OBJECT_SHARE) ?? []);
      const distinct = [...new Map(each.map((h) => [h.code, h])).values()];
      if (distinct.length > 1) return ambiguous(distinct);
    }
    // Named, but in words the search does not know ("领证"): the services about that object.
    if (!hits.length && objectsNamed.length === 1) hits = [...about.keys()].filter((code) => objectsNamed[0]?.words.some((w) => called.get(code)?.includes(w))).flatMap((code) => entry(code) ?? []).map((e) => ({ ...e, kind: 'item' as const, score: DEFAULT_CLASSIFY_OPTIONS.minScore }));
    // The request spells out one entry's own name or alias ("城乡居民养老保险"): that entry.
    const spelled = hits.filter((h) => calledNames.get(h.code)?.some((n) => n.length >= 4 && text.includes(n)));
    if (spelled.length === 1 && spelled[0]) return { kind: 'single', services: candidates([spelled[0]]) };
    const result = classify(hits);
    if (result.kind === 'single') return { kind: 'single', services: candidates([result.hit]) };
    if (result.kind === 'ambiguous') {
      const member = memberNamed(result.choices, objectsNamed);
      if (member) return { kind: 'single', services: candidates([member]) };
      // The object and nothing else ("社保卡", "社保卡怎么办"): its default service.
      const only = objectsNamed.length === 1 ? objectsNamed[0] : undefined;
      const bare = only && only.words.some((w) => text.includes(w) && text.replace(w, '').replace(PLAIN_ACTIONS, '').replace(FILLER, '').length === 0);
      const fallback = bare && only.default ? entry(only.default) : undefined;
      if (fallback) return { kind: 'single', services: candidates([fallback]) };
      return ambiguous(result.choices);
    }
    return { kind: 'none', services: candidates(result.suggestions) };
  }

  const withEvidence = (text: string, match: ServiceMatch): ServiceMatch => (named(text).length ? { ...match, named: true } : match);

  return {
    find(raw: string): ServiceMatch {
      // A phone, ID or application number names no service ("13600001111" is not the 3600元 subsidy).
      const text = normalizeText(raw).replace(LONG_NUMBER, ' ');
      if (!text.trim()) return { kind: 'none', services: [] };
      const match = find(text);
      if (match.kind === 'single' || named(text).length) return withEvidence(text, match);
      // Nothing named clearly: perhaps a key object miswritten as it sounds.
      const fixed = heard(text);
      return fixed === text ? match : withEvidence(fixed, find(fixed));
    },
  };
}
