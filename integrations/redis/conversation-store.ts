import { assertTtlSeconds, toJson } from '../../bot/memory';
import { TurnNotSavedError, type ConversationStore, type RecordWrite, type StateWrite, type TurnOutcome } from '../../bot/ports';
import type { RedisClient } from './client';
import { ticketQueue, type RedisLockOptions } from './conversation-lock';
import { redisKeys, type RedisKeys } from './keys';
import { parseStoredJson } from './stored-json';
import type { RecordText, TicketQueue } from './ticket-queue';

/**
 * `ConversationStore` on Redis in two round trips per uncontended turn: one Lua call claims the
 * message (`dedup:` = "run:<holder>"), takes the conversation's ticket and reads the session
 * (`sess:`); one writes the session back, creates the turn's records (`SET … NX`) and marks the
 * claim "done:<holder>" while handing the turn on — only within the turn's lease (see
 * ticket-queue.ts), else nothing and `TurnNotSavedError`. A repeat that finds "run:…" queues behind
 * the first attempt and, at its turn, is a duplicate if the claim says done — or handles the
 * message if the first attempt died, gave up or was not saved.
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

  async turn<T>(keys: Parameters<ConversationStore['turn']>[0], fn: (state: unknown) => Promise<TurnOutcome<T>>): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
    assertTtlSeconds(keys.claimTtlSeconds, 'RedisConversationStore.turn()');
    const q = {
      name: keys.conversation,
      ticket: this.#keys.lockTicket(keys.conversation),
      serving: this.#keys.lockServing(keys.conversation),
      state: this.#keys.session(keys.state),
      claim: { key: this.#keys.dedupe(keys.claim), ttlSeconds: keys.claimTtlSeconds },
    };
    const hold = await this.#queue.acquire(q, 'ConversationStore.turn');
    if (hold === 'duplicate') return { duplicate: true };
    let outcome: TurnOutcome<T>;
    let write: string[];
    let records: RecordText[];
    try {
      outcome = await fn(parseStoredJson(hold.state, this.#logger, 'RedisConversationStore: stored session is not JSON; treated as absent', { key: keys.state }));
      write = encode(outcome.write);
      records = (outcome.records ?? []).map((r) => this.#encodeRecord(r));
    } catch (err) {
      await this.#queue.commit(q, hold, ['abort'], [], false);
      throw err;
    }
    const committed = await this.#queue.commit(q, hold, write, records);
    if (committed === 'committed') return { duplicate: false, result: outcome.result };
    if (committed === 'exists') throw new TurnNotSavedError('record-exists', `ConversationStore.turn: a record of the turn exists already (${records.map((r) => r.key).join(', ')}); nothing was written`);
    throw new TurnNotSavedError('lease-lapsed', `ConversationStore.turn: the turn's lease lapsed before its write was applied (${committed}); nothing was written`);
  }

  #encodeRecord(record: RecordWrite): RecordText {
    assertTtlSeconds(record.ttlSeconds, 'RedisConversationStore.turn() record');
    return { key: this.#keys.session(record.key), json: toJson(record.value, 'RedisConversationStore.turn() record'), ttlSeconds: record.ttlSeconds };
  }
}

function encode(write: StateWrite): string[] {
  if (write.kind !== 'save') return [write.kind];
  assertTtlSeconds(write.ttlSeconds, 'RedisConversationStore.turn()');
  return ['save', toJson(write.value, 'RedisConversationStore.turn()'), String(write.ttlSeconds)];
}
