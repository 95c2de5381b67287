import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCase, newCaseId, type HandoffCase, type TranscriptEntry } from '../../bot/handoff/model';
import type { DeskEvent, DeskEventLog, HandoffStore, TranscriptStore } from '../../bot/handoff/ports';
import type { AuditLog, StaffAccount, StaffDirectory } from '../../bot/staff/model';

/** The desk's ports under test: two handles on the same state where instances would share it. */
export interface DeskHarness {
  store: HandoffStore;
  /** A second store on the same state (another app instance). */
  otherStore: HandoffStore;
  transcripts: TranscriptStore;
  events: DeskEventLog;
  /** Another instance's event log on the same stream. */
  otherEvents: DeskEventLog;
  /** Resolves once `log`'s live reader is reading (Redis starts a reader; memory is always live). */
  reading(log: DeskEventLog): Promise<void>;
  staff: StaffDirectory;
  audit: AuditLog;
  now(): number;
  cleanup(): Promise<void>;
}

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

export function caseFor(conversation: string, at: number, extra: Partial<HandoffCase> = {}): HandoffCase {
  return {
    ...newCase({
      id: newCaseId(),
      address: { channel: 'test', userId: conversation, conversationId: `test:${conversation}` },
      team: 'general',
      priority: 'normal',
      trigger: 'asked',
      reason: 'asked for a person',
      collected: { flow: 'feedback', slots: { phone: '13912345678' } },
      at,
    }),
    ...extra,
  };
}

function account(username: string, at: number): StaffAccount {
  return { username, displayName: `${username}号`, role: 'agent', teams: ['general'], capacity: 2, passwordHash: HASH, disabled: false, createdAt: at, updatedAt: at };
}

function entry(id: string, at: number, seq: number, text: string): TranscriptEntry {
  return { id, at, seq, from: 'resident', kind: 'text', text };
}

export function describeDeskContract(name: string, factory: () => Promise<DeskHarness>): void {
  describe(`desk ports contract: ${name}`, () => {
    let h: DeskHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('HandoffStore', () => {
      it('opens one active case per conversation: a second request gets the first case back', async () => {
        const first = caseFor('r1', h.now());
        expect(await h.store.open(first)).toEqual({ created: true, case: first });
        const again = await h.otherStore.open(caseFor('r1', h.now() + 1));
        expect(again).toEqual({ created: false, case: first });
        expect(await h.otherStore.activeFor('test:r1')).toEqual(first);
        expect(await h.store.open(first)).toEqual({ created: false, case: first });
      });

      it('keeps the queue in order: urgent first, then high, then first come first served; assigned ones after', async () => {
        const t = h.now();
        const a = caseFor('qa', t);
        const b = caseFor('qb', t + 1000);
        const c = caseFor('qc', t + 2000, { priority: 'urgent' });
        const d = caseFor('qd', t + 3000, { priority: 'high' });
        for (const x of [a, b, c, d]) await h.store.open(x);
        await h.store.apply(a.id, { kind: 'take', agent: 'wang', at: t + 4000 });
        expect((await h.otherStore.active()).map((x) => [x.id, x.status])).toEqual([
          [c.id, 'queued'],
          [d.id, 'queued'],
          [b.id, 'queued'],
          [a.id, 'agent'],
        ]);
      });

      it('two agents take the same chat at once on two instances: exactly one gets it', async () => {
        const c = caseFor('race', h.now());
        await h.store.open(c);
        const [x, y] = await Promise.all([
          h.store.apply(c.id, { kind: 'take', agent: 'wang', at: h.now() }),
          h.otherStore.apply(c.id, { kind: 'take', agent: 'li', at: h.now() }),
        ]);
        const wins = [x, y].filter((r) => r.ok);
        expect(wins).toHaveLength(1);
        const loser = [x, y].find((r) => !r.ok);
        expect(loser).toMatchObject({ ok: false, error: 'invalid-transition' });
        const stored = await h.store.get(c.id);
        expect(stored?.agent).toBe(wins[0]!.ok ? wins[0]!.case.agent : undefined);
        expect(await h.store.load(stored!.agent!)).toBe(1);
      });

      it('refuses a take beyond the agent’s capacity, counting chats taken on any instance', async () => {
        const t = h.now();
        const cases = [caseFor('c1', t), caseFor('c2', t + 1), caseFor('c3', t + 2)];
        for (const c of cases) await h.store.open(c);
        expect((await h.store.apply(cases[0]!.id, { kind: 'take', agent: 'wang', at: t }, { capacity: 2 })).ok).toBe(true);
        expect((await h.otherStore.apply(cases[1]!.id, { kind: 'take', agent: 'wang', at: t }, { capacity: 2 })).ok).toBe(true);
        expect(await h.store.apply(cases[2]!.id, { kind: 'take', agent: 'wang', at: t }, { capacity: 2 })).toMatchObject({ ok: false, error: 'over-capacity' });
        expect((await h.store.get(cases[2]!.id))?.status).toBe('queued');
        // Handing one back frees a place.
        await h.store.apply(cases[0]!.id, { kind: 'hand-back', by: 'wang', at: t + 5 });
        expect(await h.store.load('wang')).toBe(1);
        expect((await h.store.apply(cases[2]!.id, { kind: 'take', agent: 'wang', at: t + 6 }, { capacity: 2 })).ok).toBe(true);
      });

      it('concurrent changes on two instances are all applied, none overwritten (resident messages while the agent replies)', async () => {
        const c = caseFor('busy', h.now());
        await h.store.open(c);
        await h.store.apply(c.id, { kind: 'take', agent: 'wang', at: h.now() });
        const t = h.now();
        const results = await Promise.all([
          ...Array.from({ length: 5 }, (_, i) => h.store.apply(c.id, { kind: 'resident-message', at: t + 10 + i })),
          ...Array.from({ length: 5 }, (_, i) => h.otherStore.apply(c.id, { kind: 'agent-message', agent: 'wang', at: t + 20 + i })),
        ]);
        expect(results.every((r) => r.ok)).toBe(true);
        const stored = await h.store.get(c.id);
        // Version: open 1, take 2, then ten more changes.
        expect(stored?.v).toBe(12);
        // Whichever reply was applied first is the first response.
        expect(stored?.firstResponseAt).toBeGreaterThanOrEqual(t + 20);
        expect(stored?.firstResponseAt).toBeLessThanOrEqual(t + 24);
        expect(stored?.lastResidentAt).toBeGreaterThanOrEqual(t + 10);
      });

      it('an ended case leaves the queue, frees the conversation for a new case and is listed as ended', async () => {
        const c = caseFor('done', h.now());
        await h.store.open(c);
        await h.store.apply(c.id, { kind: 'take', agent: 'wang', at: h.now() });
        const closed = await h.store.apply(c.id, { kind: 'close', by: 'wang', resolution: { summary: '已解答' }, at: h.now() + 10 });
        expect(closed).toMatchObject({ ok: true, case: { status: 'closed', outcome: 'resolved' } });
        expect(await h.store.activeFor('test:done')).toBeUndefined();
        expect((await h.store.active()).map((x) => x.id)).not.toContain(c.id);
        expect((await h.otherStore.ended(h.now() - 1000, 10)).map((x) => x.id)).toEqual([c.id]);
        expect(await h.store.load('wang')).toBe(0);
        const next = caseFor('done', h.now() + 20);
        expect((await h.store.open(next)).created).toBe(true);
        // The ended one can still be rated.
        await h.store.apply(c.id, { kind: 'agent-message', agent: 'wang', at: h.now() }).catch(() => undefined);
        expect(await h.store.apply(c.id, { kind: 'rate', rating: { score: 4, at: h.now() } })).toMatchObject({ ok: false, error: 'not-served' });
      });

      it('a transfer moves the chat from one agent’s load to another’s', async () => {
        const c = caseFor('tr', h.now());
        await h.store.open(c);
        await h.store.apply(c.id, { kind: 'take', agent: 'wang', at: h.now() });
        expect((await h.otherStore.apply(c.id, { kind: 'transfer', to: { agent: 'li' }, by: 'wang', at: h.now() }, { capacity: 3 })).ok).toBe(true);
        expect([await h.store.load('wang'), await h.store.load('li')]).toEqual([0, 1]);
        await h.store.apply(c.id, { kind: 'transfer', to: { team: 'social' }, by: 'li', at: h.now() });
        expect(await h.store.load('li')).toBe(0);
        expect(await h.store.get(c.id)).toMatchObject({ status: 'queued', team: 'social' });
      });

      it('answers unknown ids plainly', async () => {
        expect(await h.store.get('hzzzzzzzzzzzz')).toBeUndefined();
        expect(await h.store.apply('hzzzzzzzzzzzz', { kind: 'expire', why: 'resident-silent', at: 1 })).toMatchObject({ ok: false, error: 'not-found' });
      });
    });

    describe('TranscriptStore', () => {
      it('keeps entries in time order, bounded, and erases them', async () => {
        const t = h.now();
        await h.transcripts.append('test:tx', [entry('b', t + 1, 0, '第二'), entry('c', t + 1, 1, '第三')]);
        await h.transcripts.append('test:tx', [entry('a', t, 0, '第一')]);
        expect((await h.transcripts.read('test:tx')).map((e) => e.text)).toEqual(['第一', '第二', '第三']);
        expect((await h.transcripts.read('test:tx', 2)).map((e) => e.id).sort()).toEqual(['a', 'c']);
        await h.transcripts.append('test:tx', Array.from({ length: 320 }, (_, i) => entry(`n${i}`, t + 10 + i, 0, `第${i}条`)));
        const all = await h.transcripts.read('test:tx');
        expect(all).toHaveLength(300);
        expect(all.at(-1)?.text).toBe('第319条');
        await h.transcripts.erase('test:tx');
        expect(await h.transcripts.read('test:tx')).toEqual([]);
      });
    });

    describe('DeskEventLog', () => {
      it('replays what came after an id to any instance, says when an id is too old, and delivers live to every instance', async () => {
        await h.reading(h.otherEvents);
        const seen: DeskEvent[] = [];
        const stop = h.otherEvents.subscribe((e) => seen.push(e));
        expect(await h.events.after('0-0', 10)).toEqual([]);
        const first = await h.events.publish({ type: 'case', caseId: 'habc', data: { n: 1 } });
        const second = await h.events.publish({ type: 'message', caseId: 'habc', data: { n: 2 } });
        const third = await h.otherEvents.publish({ type: 'offer', agent: 'wang', caseId: 'habc', data: { n: 3 } });
        expect((await h.otherEvents.after(first, 10))?.map((e) => [e.id, e.type])).toEqual([
          [second, 'message'],
          [third, 'offer'],
        ]);
        expect(await h.events.after(third, 10)).toEqual([]);
        expect(await h.events.last()).toBe(third);
        // Nothing was ever dropped: an id before the first event still replays everything.
        expect((await h.events.after('1-0', 10))?.map((e) => e.id)).toEqual([first, second, third]);
        expect(await h.events.after('99999999999999-0', 10)).toBeUndefined();
        expect(await h.events.after('garbage', 10)).toBeUndefined();
        await expect.poll(() => seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(seen[2]).toMatchObject({ id: third, agent: 'wang', caseId: 'habc' });
        stop();
      });
    });

    describe('StaffDirectory', () => {
      it('creates without overwriting, updates and lists accounts', async () => {
        const t = h.now();
        expect(await h.staff.create(account('wang', t))).toBe('created');
        expect(await h.staff.create({ ...account('wang', t), role: 'admin' })).toBe('exists');
        expect((await h.staff.get('wang'))?.role).toBe('agent');
        await h.staff.create(account('an', t));
        expect(await h.staff.update('wang', { capacity: 5, updatedAt: t + 1 })).toMatchObject({ capacity: 5, createdAt: t });
        expect(await h.staff.update('nobody', { capacity: 1 })).toBeUndefined();
        expect((await h.staff.list()).map((a) => a.username)).toEqual(['an', 'wang']);
      });
    });

    describe('AuditLog', () => {
      it('appends and lists newest first, with filters and paging', async () => {
        const t = h.now();
        for (let i = 0; i < 6; i++) await h.audit.append({ at: t + i, actor: i % 2 ? 'wang' : 'li', action: i === 3 ? 'reveal' : 'reply', target: `h${i}` });
        const all = await h.audit.list({ limit: 10 });
        expect(all.map((e) => e.target)).toEqual(['h5', 'h4', 'h3', 'h2', 'h1', 'h0']);
        expect((await h.audit.list({ limit: 10, actor: 'wang' })).map((e) => e.target)).toEqual(['h5', 'h3', 'h1']);
        expect((await h.audit.list({ limit: 10, action: 'reveal' })).map((e) => e.target)).toEqual(['h3']);
        const page = await h.audit.list({ limit: 2, before: all[1]!.id });
        expect(page.map((e) => e.target)).toEqual(['h3', 'h2']);
      });
    });
  });
}
