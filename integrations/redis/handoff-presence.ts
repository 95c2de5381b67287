import { z } from 'zod';
import type { AgentPresence, PresenceMark } from '../../bot/handoff/ports';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

const MarkSchema = z.object({ status: z.enum(['online', 'away']), until: z.number() });

/** `AgentPresence` on Redis: one hash `hd:presence`, field = agent, value = `{ status, until }`; lapsed fields are removed on read. */
export class RedisAgentPresence implements AgentPresence {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
  }

  async set(mark: PresenceMark): Promise<void> {
    await call(this.#client, 'AgentPresence.set', (c) => c.hSet(this.#keys.presence(), mark.agent, JSON.stringify({ status: mark.status, until: mark.until })));
  }

  async remove(agent: string): Promise<void> {
    await call(this.#client, 'AgentPresence.remove', (c) => c.hDel(this.#keys.presence(), agent));
  }

  async list(now: number): Promise<PresenceMark[]> {
    const all = await call(this.#client, 'AgentPresence.list', (c) => c.hGetAll(this.#keys.presence()));
    const marks: PresenceMark[] = [];
    const lapsed: string[] = [];
    for (const [agent, json] of Object.entries(all)) {
      let parsed: z.ZodSafeParseResult<z.infer<typeof MarkSchema>> | undefined;
      try {
        parsed = MarkSchema.safeParse(JSON.parse(json));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success && parsed.data.until > now) marks.push({ agent, ...parsed.data });
      else lapsed.push(agent);
    }
    if (lapsed.length) await call(this.#client, 'AgentPresence.list', (c) => c.hDel(this.#keys.presence(), lapsed));
    return marks.sort((a, b) => a.agent.localeCompare(b.agent));
  }
}
