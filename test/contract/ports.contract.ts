import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TurnNotSavedError, type ConversationLock, type ConversationStore, type Deduper, type References, type SessionStore, type VersionedStore, type TurnKeys } from '../../bot/ports';

/** One set of state ports under test, fresh per test (own keys / own instances). */
export interface PortsHarness {
  sessions: SessionStore;
  deduper: Deduper;
  versions: VersionedStore;
  references: References;
  /** A lock with the given lease; several calls share one queue per key (like app instances). */
  lock(options?: { leaseMs?: number }): ConversationLock;
  /** A conversation store on the same state as `sessions` and `deduper`; calls share queues per key. */
  conversations(options?: { leaseMs?: number }): ConversationStore;
  /** Lets `ms` pass for TTLs: advances a manual clock, or really waits where the server keeps time. */
  elapse(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => undefined);

/**
 * The behaviour every implementation of SessionStore, ConversationLock, Deduper and
 * VersionedStore must show. Run it with `describePortsContract('memory', factory)`.
 */
export function describePortsContract(name: string, factory: () => Promise<PortsHarness>): void {
  describe(`state ports contract: ${name}`, () => {
    let h: PortsHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('SessionStore', () => {
      it('reads back what was set, replaces it, and forgets it on delete', async () => {
        expect(await h.sessions.get('s1')).toBeUndefined();
        const value = { flowId: 'booking', version: 3, slots: { name: '张三', items: [1, 'a', null, true] }, attempts: 0 };
        await h.sessions.set('s1', value, 60);
        expect(await h.sessions.get('s1')).toEqual(value);
        await h.sessions.set('s1', { stepId: 'next' }, 60);
        expect(await h.sessions.get('s1')).toEqual({ stepId: 'next' });
        await h.sessions.set('s2', 'plain string', 60);
        await h.sessions.delete('s1');
        expect(await h.sessions.get('s1')).toBeUndefined();
        expect(await h.sessions.get('s2')).toBe('plain string');
        await h.sessions.delete('never-set');
      });

      it('expires values after their TTL, and a new set replaces the TTL', async () => {
        await h.sessions.set('short', { a: 1 }, 1);
        await h.sessions.set('long', { b: 2 }, 60);
        await h.sessions.set('renewed', { c: 3 }, 1);
        await h.sessions.set('renewed', { c: 4 }, 60);
        await h.elapse(1_100);
        expect(await h.sessions.get('short')).toBeUndefined();
        expect(await h.sessions.get('long')).toEqual({ b: 2 });
        expect(await h.sessions.get('renewed')).toEqual({ c: 4 });
      });

      it('isolates stored values from the caller: mutating what was set or got changes nothing', async () => {
        const value = { slots: { phone: '138' }, list: [1, 2] };
        await h.sessions.set('iso', value, 60);
        value.slots.phone = 'changed';
        value.list.push(3);
        const got = (await h.sessions.get('iso')) as typeof value;
        expect(got).toEqual({ slots: { phone: '138' }, list: [1, 2] });
        got.slots.phone = 'changed again';
        got.list.length = 0;
        expect(await h.sessions.get('iso')).toEqual({ slots: { phone: '138' }, list: [1, 2] });
      });

      it('rejects values that are not JSON and TTLs Redis cannot express', async () => {
        await expect(h.sessions.set('bad', undefined, 60)).rejects.toThrow(/not JSON-serialisable/);
        await expect(h.sessions.set('bad', { a: 1 }, 0)).rejects.toThrow(/ttlSeconds/);
        await expect(h.sessions.set('bad', { a: 1 }, 1.5)).rejects.toThrow(/ttlSeconds/);
        expect(await h.sessions.get('bad')).toBeUndefined();
      });
    });

    describe('ConversationLock', () => {
      it('runs 50 concurrent calls on one key one at a time, in call order, returning each result', async () => {
        const lock = h.lock();
        const order: number[] = [];
        let active = 0;
        let maxActive = 0;
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            lock.run('conv-a', async () => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              await tick(i % 3);
              order.push(i);
              active -= 1;
              return i * 2;
            }),
          ),
        );
        expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
        expect(maxActive).toBe(1);
      });

      it('serialises calls made through two lock instances sharing the store', async () => {
        const [first, second] = [h.lock(), h.lock()];
        const order: number[] = [];
        let active = 0;
        let maxActive = 0;
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? first : second).run('conv-shared', async () => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              await tick(1);
              order.push(i);
              active -= 1;
            }),
          ),
        );
        expect(maxActive).toBe(1);
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      });

      it('does not make different keys wait for each other', async () => {
        const lock = h.lock();
        let releaseA!: () => void;
        const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
        const a = lock.run('conv-x', async () => {
          await aMayFinish;
          return 'a';
        });
        // If conv-y waited for conv-x this would never resolve.
        const b = await lock.run('conv-y', async () => {
          releaseA();
          return 'b';
        });
        expect([await a, b]).toEqual(['a', 'b']);
      });

      it('releases the lock when fn throws and passes the error on', async () => {
        const lock = h.lock();
        const failing = lock.run('conv-err', async () => {
          await tick(1);
          throw new Error('boom in turn');
        });
        const next = lock.run('conv-err', async () => 'after');
        await expect(failing).rejects.toThrow('boom in turn');
        expect(await next).toBe('after');
        expect(await lock.run('conv-err', async () => 'again')).toBe('again');
      });

      it('skips a holder that never finishes once its lease has passed, keeping FIFO behind it', async () => {
        const lock = h.lock({ leaseMs: 300 });
        void lock.run('conv-dead', never);
        const order: string[] = [];
        await Promise.all([
          lock.run('conv-dead', async () => void order.push('first')),
          lock.run('conv-dead', async () => void order.push('second')),
        ]);
        expect(order).toEqual(['first', 'second']);
      });
    });

    describe('ConversationStore', () => {
      const keys = (claim: string, conversation = 'c1'): TurnKeys => ({ claim, claimTtlSeconds: 60, conversation: `conv:${conversation}`, state: conversation });
      const save = (value: unknown) => ({ kind: 'save' as const, value, ttlSeconds: 60 });

      it('hands the stored state to the turn and keeps what it saves, on the SessionStore key', async () => {
        const store = h.conversations();
        const first = await store.turn(keys('m1'), async (state) => ({ result: state, write: save({ step: 'ask-name', n: 1 }) }));
        expect(first).toEqual({ duplicate: false, result: undefined });
        expect(await h.sessions.get('c1')).toEqual({ step: 'ask-name', n: 1 });
        const second = await store.turn(keys('m2'), async (state) => ({ result: state, write: { kind: 'keep' } }));
        expect(second).toEqual({ duplicate: false, result: { step: 'ask-name', n: 1 } });
        expect(await h.sessions.get('c1')).toEqual({ step: 'ask-name', n: 1 });
        await store.turn(keys('m3'), async () => ({ result: 0, write: { kind: 'delete' } }));
        expect(await h.sessions.get('c1')).toBeUndefined();
      });

      it('runs a claimed message once: a repeat is a duplicate and runs nothing, also on the Deduper', async () => {
        const store = h.conversations();
        let runs = 0;
        const turn = () => store.turn(keys('same'), async () => ({ result: ++runs, write: save(runs) }));
        const outcomes = await Promise.all([turn(), turn(), turn()]);
        expect(outcomes.filter((o) => o.duplicate)).toHaveLength(2);
        expect(runs).toBe(1);
        expect(await h.deduper.claim('same', 60)).toBe(false);
        expect(await h.deduper.claim('other', 60)).toBe(true);
        expect(await store.turn(keys('other'), async () => ({ result: 1, write: save(1) }))).toEqual({ duplicate: true });
      });

      it('a repeat that arrives while the first attempt runs is a duplicate and never runs', async () => {
        const [a, b] = [h.conversations(), h.conversations()];
        let finishFirst!: () => void;
        const firstMayFinish = new Promise<void>((resolve) => (finishFirst = resolve));
        let runs = 0;
        const first = a.turn(keys('slow'), async () => {
          runs += 1;
          await firstMayFinish;
          return { result: 'first', write: save('after the first') };
        });
        await tick(20);
        const repeat = b.turn(keys('slow'), async () => ({ result: (runs += 1), write: save('after a repeat') }));
        await tick(20);
        finishFirst();
        expect(await first).toEqual({ duplicate: false, result: 'first' });
        expect(await repeat).toEqual({ duplicate: true });
        expect(runs).toBe(1);
        expect(await h.sessions.get('c1')).toBe('after the first');
      });

      it('runs 30 turns of one conversation through two stores one at a time, in order, each seeing the last', async () => {
        const [a, b] = [h.conversations(), h.conversations()];
        let active = 0;
        let maxActive = 0;
        const seen: unknown[] = [];
        await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            (i % 2 === 0 ? a : b).turn(keys(`m${i}`, 'busy'), async (state) => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              seen.push(state);
              await tick(i % 3);
              active -= 1;
              return { result: i, write: save({ turns: ((state as { turns?: number } | undefined)?.turns ?? 0) + 1 }) };
            }),
          ),
        );
        expect(maxActive).toBe(1);
        expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => (i === 0 ? undefined : { turns: i })));
        expect(await h.sessions.get('busy')).toEqual({ turns: 30 });
      });

      it('writes nothing when the turn throws or its value is not JSON, and the next turn goes on', async () => {
        const store = h.conversations();
        await store.turn(keys('m1'), async () => ({ result: 0, write: save({ kept: true }) }));
        await expect(store.turn(keys('m2'), async () => Promise.reject(new Error('boom in turn')))).rejects.toThrow('boom in turn');
        await expect(store.turn(keys('m3'), async () => ({ result: 0, write: save(undefined) }))).rejects.toThrow(/not JSON-serialisable/);
        const badRecord = { key: 'rec:x', value: undefined, ttlSeconds: 60 };
        await expect(store.turn(keys('m5'), async () => ({ result: 0, write: save({ kept: false }), records: [badRecord] }))).rejects.toThrow(/not JSON-serialisable/);
        expect(await store.turn(keys('m4'), async (state) => ({ result: state, write: { kind: 'keep' } }))).toEqual({ duplicate: false, result: { kept: true } });
        // A turn that failed gave its claim up: the message may run again (a platform retry).
        expect(await store.turn(keys('m2'), async () => ({ result: 'ran again', write: { kind: 'keep' } }))).toEqual({ duplicate: false, result: 'ran again' });
      });

      it('creates the records of a turn with its state write, on SessionStore keys, with their own TTL', async () => {
        const store = h.conversations();
        const records = [
          { key: 'rec:feedback:A1', value: { reference: 'A1' }, ttlSeconds: 3_600 },
          { key: 'rec:feedback:A2', value: { reference: 'A2' }, ttlSeconds: 3_600 },
        ];
        expect(await store.turn(keys('r1'), async () => ({ result: 'filed', write: save({ step: 'done' }), records }))).toEqual({ duplicate: false, result: 'filed' });
        expect(await h.sessions.get('c1')).toEqual({ step: 'done' });
        expect(await h.sessions.get('rec:feedback:A1')).toEqual({ reference: 'A1' });
        expect(await h.sessions.get('rec:feedback:A2')).toEqual({ reference: 'A2' });
        // Records outlive the conversation: deleting the session keeps them.
        await store.turn(keys('r2'), async () => ({ result: 0, write: { kind: 'delete' } }));
        expect(await h.sessions.get('rec:feedback:A1')).toEqual({ reference: 'A1' });
      });

      it('never overwrites a record: a turn that would writes nothing at all and gives its claim up', async () => {
        const store = h.conversations();
        await h.sessions.set('rec:feedback:taken', { by: 'the first resident' }, 3_600);
        await store.turn(keys('t0'), async () => ({ result: 0, write: save({ step: 'confirm' }) }));
        const colliding = store.turn(keys('t1'), async () => ({
          result: 'filed',
          write: save({ step: 'done' }),
          records: [
            { key: 'rec:feedback:fresh', value: { by: 'the second resident' }, ttlSeconds: 3_600 },
            { key: 'rec:feedback:taken', value: { by: 'the second resident' }, ttlSeconds: 3_600 },
          ],
        }));
        await expect(colliding).rejects.toBeInstanceOf(TurnNotSavedError);
        await expect(colliding).rejects.toMatchObject({ reason: 'record-exists' });
        expect(await h.sessions.get('rec:feedback:taken')).toEqual({ by: 'the first resident' });
        expect(await h.sessions.get('rec:feedback:fresh')).toBeUndefined();
        expect(await h.sessions.get('c1')).toEqual({ step: 'confirm' });
        expect(await store.turn(keys('t1'), async (state) => ({ result: state, write: { kind: 'keep' } }))).toEqual({ duplicate: false, result: { step: 'confirm' } });
      });

      it('saves nothing of a turn that outlived its lease, says so, and lets the message run again', async () => {
        const store = h.conversations({ leaseMs: 200 });
        await store.turn(keys('l0', 'lease'), async () => ({ result: 0, write: save({ step: 'confirm' }) }));
        const slow = store.turn(keys('l1', 'lease'), async () => {
          await tick(400);
          return { result: 'late', write: save({ step: 'done' }), records: [{ key: 'rec:feedback:late', value: 1, ttlSeconds: 60 }] };
        });
        await expect(slow).rejects.toMatchObject({ name: 'TurnNotSavedError', reason: 'lease-lapsed' });
        expect(await h.sessions.get('lease')).toEqual({ step: 'confirm' });
        expect(await h.sessions.get('rec:feedback:late')).toBeUndefined();
        expect(await store.turn(keys('l1', 'lease'), async (state) => ({ result: state, write: { kind: 'keep' } }))).toEqual({ duplicate: false, result: { step: 'confirm' } });
      });
    });

    describe('Deduper', () => {
      it('lets exactly one of many concurrent claims win', async () => {
        const claims = await Promise.all(Array.from({ length: 20 }, () => h.deduper.claim('msg-1', 60)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await h.deduper.claim('msg-1', 60)).toBe(false);
        expect(await h.deduper.claim('msg-2', 60)).toBe(true);
      });

      it('lets a released key be claimed again', async () => {
        expect(await h.deduper.claim('msg-r', 60)).toBe(true);
        await h.deduper.release('msg-r');
        expect(await h.deduper.claim('msg-r', 60)).toBe(true);
        expect(await h.deduper.claim('msg-r', 60)).toBe(false);
        await h.deduper.release('never-claimed');
      });

      it('forgets a claim after its TTL', async () => {
        expect(await h.deduper.claim('msg-t', 1)).toBe(true);
        expect(await h.deduper.claim('msg-keep', 60)).toBe(true);
        await h.elapse(1_100);
        expect(await h.deduper.claim('msg-t', 1)).toBe(true);
        expect(await h.deduper.claim('msg-keep', 60)).toBe(false);
      });

      it('rejects TTLs Redis cannot express', async () => {
        await expect(h.deduper.claim('msg-bad', 0)).rejects.toThrow(/ttlSeconds/);
      });
    });

    describe('VersionedStore', () => {
      it('never overwrites a stored version', async () => {
        expect(await h.versions.put('flows', 'booking', 1, { title: 'v1' })).toBe('created');
        expect(await h.versions.put('flows', 'booking', 1, { title: 'imposter' })).toBe('exists');
        expect(await h.versions.get('flows', 'booking', 1)).toEqual({ title: 'v1' });
      });

      it('keeps old versions readable after newer ones, sorted numerically', async () => {
        await h.versions.put('flows', 'booking', 10, { title: 'v10' });
        await h.versions.put('flows', 'booking', 2, { title: 'v2' });
        await h.versions.put('flows', 'booking', 1, { title: 'v1' });
        expect(await h.versions.versions('flows', 'booking')).toEqual([1, 2, 10]);
        expect(await h.versions.latest('flows', 'booking')).toEqual({ version: 10, doc: { title: 'v10' } });
        expect(await h.versions.get('flows', 'booking', 2)).toEqual({ title: 'v2' });
        expect(await h.versions.get('flows', 'booking', 3)).toBeUndefined();
      });

      it('lists ids per namespace, sorted, and answers empty for unknown ones', async () => {
        await h.versions.put('flows', 'progress', 1, {});
        await h.versions.put('flows', 'booking', 1, {});
        await h.versions.put('flows', 'booking', 2, {});
        await h.versions.put('catalog', 'items', 1, []);
        expect(await h.versions.list('flows')).toEqual(['booking', 'progress']);
        expect(await h.versions.list('catalog')).toEqual(['items']);
        expect(await h.versions.list('nothing')).toEqual([]);
        expect(await h.versions.versions('flows', 'nope')).toEqual([]);
        expect(await h.versions.latest('flows', 'nope')).toBeUndefined();
        expect(await h.versions.get('flows', 'nope', 1)).toBeUndefined();
      });

      it('isolates stored documents from the caller', async () => {
        const doc = { steps: [{ id: 'ask' }] };
        await h.versions.put('flows', 'iso', 1, doc);
        doc.steps.push({ id: 'sneaky' });
        const got = (await h.versions.get('flows', 'iso', 1)) as typeof doc;
        expect(got).toEqual({ steps: [{ id: 'ask' }] });
        got.steps.length = 0;
        expect((await h.versions.latest('flows', 'iso'))?.doc).toEqual({ steps: [{ id: 'ask' }] });
      });

      it('rejects bad versions and namespaces', async () => {
        await expect(h.versions.put('flows', 'x', 1.5, {})).rejects.toThrow(/version/);
        await expect(h.versions.put('flows', 'x', -1, {})).rejects.toThrow(/version/);
        await expect(h.versions.put('a:b', 'x', 1, {})).rejects.toThrow(/namespace/);
        await expect(h.versions.put('flows', 'x', 1, undefined)).rejects.toThrow(/not JSON-serialisable/);
        expect(await h.versions.list('flows')).toEqual([]);
      });
    });
  });
}
