import { assertTtlSeconds, toJson } from '../../bot/memory';
import type { ConversationStore, StateWrite } from '../../bot/ports';
import type { RedisClient } from './client';
import { ticketQueue, type RedisLockOptions } from './conversation-lock';
import { redisKeys, type RedisKeys } from './keys';
import { parseStoredJson } from './stored-json';
import type { TicketQueue } from './ticket-queue';

/**
 * `ConversationStore` on Redis in two round trips per uncontended turn: one Lua call claims the
 * message (`dedup:` = "run"), takes the conversation's ticket and reads the session (`sess:`); one
 * writes the session back and marks the claim "done" while handing the turn on. A repeat that finds
 * "run" queues behind the first attempt and, at its turn, is a duplicate if the claim says "done" —
 * or handles the message if the first attempt died and its lease lapsed (see ticket-queue.ts).
 * Same keys as `RedisDeduper` + `RedisConversationLock` + `RedisSessionStore`.
 */
export class RedisConversationStore implements ConversationStore {
  readonly #keys: RedisKeys;
  readonly #queue: TicketQueue;
  readonly #logger: RedisLockOptions['logger'];

  constructor(client: RedisClient, options: RedisLockOptions) {
    this.#keys = redisKeys(options.prefix);
    this.#queue = ticketQueue(client, options);
    this.#logger = options.logger;
  }

  async turn<T>(
    keys: Parameters<ConversationStore['turn']>[0],
    fn: (state: unknown) => Promise<{ result: T; write: StateWrite }>,
  ): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
    assertTtlSeconds(keys.claimTtlSeconds, 'RedisConversationStore.turn()');
    const q = {
      name: keys.conversation,
      ticket: this.#keys.lockTicket(keys.conversation),
      serving: this.#keys.lockServing(keys.conversation),
      state: this.#keys.session(keys.state),
      claim: { key: this.#keys.dedupe(keys.claim), ttlSeconds: keys.claimTtlSeconds },
    };
    const acquired = await this.#queue.acquire(q, 'ConversationStore.turn');
    if (acquired === 'duplicate') return { duplicate: true };
    let write: string[] = ['keep'];
    try {
      const outcome = await fn(parseStoredJson(acquired.state, this.#logger, 'RedisConversationStore: stored session is not JSON; treated as absent', { key: keys.state }));
      write = encode(outcome.write);
      return { duplicate: false, result: outcome.result };
    } finally {
      await this.#queue.release(q, acquired.ticket, write);
    }
  }

}

function encode(write: StateWrite): string[] {
  if (write.kind !== 'save') return [write.kind];
  assertTtlSeconds(write.ttlSeconds, 'RedisConversationStore.turn()');
  return ['save', toJson(write.value, 'RedisConversationStore.turn()'), String(write.ttlSeconds)];
}
