import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { MemoryJobQueue } from '../../bot/memory';
import { outboundAsText, type InboundMessage } from '../../bot/message';
import { SessionSchema, sessionKey } from '../../bot/session';
import { ConversationTestFileSchema, durationMs, type ConversationTestFile, type ConversationTurn } from '../../flows/conversation-test';

export function readConversationTests(file: string): ConversationTestFile {
  const parsed = ConversationTestFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface ConversationHarness {
  composed: Composed;
  clock: ManualClock;
  /** Messages delivered outside turns (reminders, notifications), per resident, not yet checked. */
  delivered: Map<string, string[]>;
}

export async function createHarness(file: ConversationTestFile): Promise<ConversationHarness> {
  const clock = new ManualClock(Date.parse(file.clock));
  const composed = await composeBot({ env: { ...file.env }, clock, logger: silentLogger() });
  const delivered = new Map<string, string[]>();
  composed.registerDelivery('test', {
    deliver: async (to, messages) => void delivered.set(to.userId, [...(delivered.get(to.userId) ?? []), ...messages.map(outboundAsText)]),
  });
  await composed.progress.startPolling();
  return { composed, clock, delivered };
}

let counter = 0;

function inbound(turn: ConversationTurn, user: string, now: number): InboundMessage {
  const base = { id: `t${++counter}`, channel: 'test' as const, userId: user, conversationId: `test:${user}`, receivedAt: now };
  if (turn.say !== undefined) return { ...base, kind: 'text', text: turn.say };
  if (turn.menu !== undefined) return { ...base, kind: 'menu', key: turn.menu };
  if (turn.location) return { ...base, kind: 'location', ...turn.location };
  if (turn.image !== undefined) return { ...base, kind: 'image', url: turn.image };
  if (turn.voice !== undefined) return { ...base, kind: 'voice', recognition: turn.voice ?? undefined };
  if (turn.subscribe !== undefined) return { ...base, kind: 'subscribe', scene: turn.subscribe === true ? undefined : turn.subscribe };
  return { ...base, kind: 'unsubscribe' };
}

/** Runs one case: every turn through `bot.handle`, checking what the turn declares. */
export async function runCase(h: ConversationHarness, name: string, turns: ConversationTurn[]): Promise<void> {
  const user = `case-${++counter}`;
  for (const [index, turn] of turns.entries()) {
    h.clock.advance(turn.after ? durationMs(turn.after) : 1000);
    // Jobs due by now (reminders, polling) run before the message, as they would have meanwhile.
    if (h.composed.jobs instanceof MemoryJobQueue) await h.composed.jobs.runDue();
    const where = `${name}, turn ${index + 1} (${JSON.stringify(turn.say ?? turn.menu ?? turn.image ?? turn.voice ?? turn.subscribe ?? (turn.wait ? 'wait' : 'event'))})`;
    const outside = h.delivered.get(user) ?? [];
    h.delivered.delete(user);
    const shownOutside = `\ndelivered:\n${outside.map((t) => `  «${t}»`).join('\n')}`;
    for (const fragment of turn.delivered ?? []) expect(outside.some((t) => t.includes(fragment)), `${where}: nothing delivered contains «${fragment}»${shownOutside}`).toBe(true);
    if (turn.nothingDelivered) expect(outside, `${where}: delivered outside a turn`).toEqual([]);
    if (turn.wait) continue;
    const result = await h.composed.bot.handle(inbound(turn, user, h.clock.now()));
    const texts = result.replies.map(outboundAsText);
    const shown = `\nreplies:\n${texts.map((t) => `  «${t}»`).join('\n')}`;
    if (turn.replies) expect(texts, `${where}: replies${shown}`).toEqual(turn.replies);
    for (const pattern of turn.replyMatches ?? []) expect(texts.some((t) => new RegExp(pattern, 'u').test(t)), `${where}: no reply matches /${pattern}/${shown}`).toBe(true);
    for (const fragment of turn.replyIncludes ?? []) expect(texts.some((t) => t.includes(fragment)), `${where}: no reply contains «${fragment}»${shown}`).toBe(true);
    for (const fragment of turn.replyExcludes ?? []) expect(texts.some((t) => t.includes(fragment)), `${where}: a reply contains «${fragment}»${shown}`).toBe(false);
    if (turn.effects) {
      const ran = result.effects;
      expect(ran.map((e) => e.action), `${where}: effects`).toEqual(turn.effects.map((e) => (typeof e === 'string' ? e : e.action)));
      turn.effects.forEach((expected, i) => {
        if (typeof expected === 'string') return;
        if (expected.input) expect(ran[i]?.input, `${where}: effect ${expected.action} input`).toMatchObject(expected.input);
        if (expected.ok !== undefined) expect(ran[i]?.ok, `${where}: effect ${expected.action} ok`).toBe(expected.ok);
      });
    }
    if (turn.slots !== undefined || turn.flow !== undefined) {
      const stored = await h.composed.stores.sessions.get(sessionKey(`test:${user}`));
      const session = stored === undefined ? undefined : SessionSchema.parse(stored);
      const top = session?.frames.at(-1);
      if (turn.flow !== undefined) expect(session?.frames[0]?.flowId ?? null, `${where}: current flow`).toBe(turn.flow);
      if (turn.slots) expect(top?.slots ?? {}, `${where}: slots`).toMatchObject(turn.slots);
    }
  }
}
