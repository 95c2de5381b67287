import type { ConversationLock, ConversationStore, Deduper, SessionStore } from '../ports';

/**
 * `ConversationStore` composed from the three ports it stands for: claim, then lock, then read,
 * run, write. The embedded default (in memory each step is a function call); Redis has its own
 * store doing the same in two round trips.
 */
export function conversationStoreFrom(ports: { deduper: Deduper; lock: ConversationLock; sessions: SessionStore }): ConversationStore {
  const { deduper, lock, sessions } = ports;
  return {
    async turn(keys, fn) {
      if (!(await deduper.claim(keys.claim, keys.claimTtlSeconds))) return { duplicate: true };
      const result = await lock.run(keys.conversation, async () => {
        const { result, write } = await fn(await sessions.get(keys.state));
        if (write.kind === 'save') await sessions.set(keys.state, write.value, write.ttlSeconds);
        else if (write.kind === 'delete') await sessions.delete(keys.state);
        return result;
      });
      return { duplicate: false, result };
    },
  };
}
