import type { VersionedDoc, VersionedStore } from '../ports';
import { toJson } from './ttl-map';

/** `put` arguments both stores reject the same way. */
export function assertVersionArgs(ns: string, id: string, version: number, where: string): void {
  if (ns === '' || ns.includes(':')) throw new RangeError(`${where}: namespace must be non-empty without ":" (got ${JSON.stringify(ns)})`);
  if (id === '') throw new RangeError(`${where}: id must be non-empty`);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError(`${where}: version must be a whole number >= 0 (got ${version})`);
  }
}

/**
 * The embedded `VersionedStore`. Documents are kept as JSON text: stored versions cannot be
 * changed through an object passed to `put` or returned by `get`.
 */
export class MemoryVersionedStore implements VersionedStore {
  /** ns → id → version → JSON text */
  readonly #docs = new Map<string, Map<string, Map<number, string>>>();

  async put(ns: string, id: string, version: number, doc: unknown): Promise<'created' | 'exists'> {
    assertVersionArgs(ns, id, version, 'MemoryVersionedStore.put()');
    const json = toJson(doc, 'MemoryVersionedStore.put()');
    let ids = this.#docs.get(ns);
    if (ids === undefined) this.#docs.set(ns, (ids = new Map()));
    let versions = ids.get(id);
    if (versions === undefined) ids.set(id, (versions = new Map()));
    if (versions.has(version)) return 'exists';
    versions.set(version, json);
    return 'created';
  }

  async get(ns: string, id: string, version: number): Promise<unknown> {
    const json = this.#docs.get(ns)?.get(id)?.get(version);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async latest(ns: string, id: string): Promise<VersionedDoc | undefined> {
    const versions = await this.versions(ns, id);
    const version = versions.at(-1);
    if (version === undefined) return undefined;
    return { version, doc: await this.get(ns, id, version) };
  }

  async versions(ns: string, id: string): Promise<number[]> {
    const versions = this.#docs.get(ns)?.get(id);
    return versions === undefined ? [] : [...versions.keys()].sort((a, b) => a - b);
  }

  async list(ns: string): Promise<string[]> {
    const ids = this.#docs.get(ns);
    return ids === undefined ? [] : [...ids.keys()].sort();
  }
}
