import { TurnNotSavedError, type ConversationLock, type ConversationStore, type Deduper, type SessionStore } from '../ports';
import { assertTtlSeconds, toJson } from './ttl-map';

/**
 * `ConversationStore` composed from the three ports it stands for: claim, then lock, then read,
 * run, write. The embedded default (in memory each step is a function call); Redis has its own
 * store doing the same in two round trips. Records are created only if none of their keys is
 * taken; a turn that threw, outlived its lease or found a record taken writes nothing and gives
 * its claim up.
 */
export function conversationStoreFrom(ports: { deduper: Deduper; lock: ConversationLock; sessions: SessionStore }): ConversationStore {
  const { deduper, lock, sessions } = ports;
  return {
    async turn(keys, fn) {
      if (!(await deduper.claim(keys.claim, keys.claimTtlSeconds))) return { duplicate: true };
      try {
        const result = await lock.run(keys.conversation, async (lease) => {
          const { result, write, records = [] } = await fn(await sessions.get(keys.state));
          // Checked before anything is written, so a bad value never leaves half a turn behind.
          if (write.kind === 'save') toJson(write.value, 'ConversationStore.turn()');
          for (const record of records) {
            toJson(record.value, 'ConversationStore.turn() record');
            assertTtlSeconds(record.ttlSeconds, 'ConversationStore.turn() record');
          }
          if (lease.lapsed) throw new TurnNotSavedError('lease-lapsed', "ConversationStore.turn: the turn's lease lapsed before its write; nothing was written");
          for (const record of records) {
            if ((await sessions.get(record.key)) !== undefined) throw new TurnNotSavedError('record-exists', `ConversationStore.turn: record ${record.key} exists already; nothing was written`);
          }
          if (write.kind === 'save') await sessions.set(keys.state, write.value, write.ttlSeconds);
          else if (write.kind === 'delete') await sessions.delete(keys.state);
          for (const record of records) await sessions.set(record.key, record.value, record.ttlSeconds);
          return result;
        });
        return { duplicate: false, result };
      } catch (err) {
        await deduper.release(keys.claim);
        throw err;
      }
    },
  };
}
