import { assertVersionArgs, toJson } from '../../bot/memory';
import type { VersionedDoc, VersionedStore } from '../../bot/ports';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
import { luaScript } from './script';
import { parseStoredJson } from './stored-json';

// HSETNX makes a stored version immutable; the indexes are only touched when it was new.
const PUT = luaScript('VersionedStore.put', `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
`);

const LATEST = luaScript('VersionedStore.latest', `
local top = redis.call('ZRANGE', KEYS[2], -1, -1)
if #top == 0 then return false end
return { top[1], redis.call('HGET', KEYS[1], top[1]) }
`);

/**
 * `VersionedStore` on Redis. Per document: a hash `ver:<ns>:<id>:docs` (field = version,
 * value = JSON) written with HSETNX, and a sorted set `ver:<ns>:<id>:versions` (score = version);
 * per namespace a set `ver:<ns>:ids`. No TTLs: versions live until deleted by an operator.
 * A stored document that is not valid JSON is logged and read as absent.
 */
export class RedisVersionedStore implements VersionedStore {
  readonly #client: RedisClient;
  readonly #logger: RedisStoreOptions['logger'];
  readonly #keys: RedisKeys;

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#logger = options.logger;
    this.#keys = redisKeys(options.prefix);
  }

  async put(ns: string, id: string, version: number, doc: unknown): Promise<'created' | 'exists'> {
    assertVersionArgs(ns, id, version, 'RedisVersionedStore.put()');
    const json = toJson(doc, 'RedisVersionedStore.put()');
    const k = this.#keys;
    const created = await PUT.run(this.#client, [k.versionDocs(ns, id), k.versionIndex(ns, id), k.versionIds(ns)], [String(version), json, id]);
    return created === 1 ? 'created' : 'exists';
  }

  async get(ns: string, id: string, version: number): Promise<unknown> {
    const json = await call(this.#client, 'VersionedStore.get', (c) => c.hGet(this.#keys.versionDocs(ns, id), String(version)));
    return this.#parse(json, ns, id, version);
  }

  async latest(ns: string, id: string): Promise<VersionedDoc | undefined> {
    const reply = await LATEST.run(this.#client, [this.#keys.versionDocs(ns, id), this.#keys.versionIndex(ns, id)], []);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'string') return undefined;
    const version = Number(reply[0]);
    const doc = this.#parse(reply[1], ns, id, version);
    return doc === undefined ? undefined : { version, doc };
  }

  async versions(ns: string, id: string): Promise<number[]> {
    const members = await call(this.#client, 'VersionedStore.versions', (c) => c.zRange(this.#keys.versionIndex(ns, id), 0, -1));
    return members.map(Number);
  }

  async list(ns: string): Promise<string[]> {
    const ids = await call(this.#client, 'VersionedStore.list', (c) => c.sMembers(this.#keys.versionIds(ns)));
    return ids.sort();
  }

  #parse(json: string | null | undefined, ns: string, id: string, version: number): unknown {
    return parseStoredJson(json, this.#logger, 'RedisVersionedStore: stored document is not JSON; treated as absent', { ns, id, version });
  }
}
