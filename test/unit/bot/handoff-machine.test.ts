import { describe, expect, it } from 'vitest';
import { ALLOWED_FROM, transition, type HandoffEvent } from '../../../bot/handoff/machine';
import { HANDOFF_STATUSES, HandoffCaseSchema, newCase, queueScore, type HandoffCase, type HandoffStatus } from '../../../bot/handoff/model';

const T0 = Date.parse('2026-12-01T10:00:00+08:00');

function caseIn(status: HandoffStatus, extra: Partial<HandoffCase> = {}): HandoffCase {
  const base = newCase({
    id: 'habcdefghijkl',
    address: { channel: 'test', userId: 'u1', conversationId: 'test:u1' },
    team: 'general',
    priority: 'normal',
    trigger: 'asked',
    reason: 'asked for a person',
    collected: { slots: {} },
    at: T0,
  });
  const shaped: HandoffCase =
    status === 'queued'
      ? base
      : status === 'agent'
        ? { ...base, status, agent: 'wang', assignedAt: T0 + 1000 }
        : { ...base, status, endedAt: T0 + 5000, outcome: status === 'bot' ? 'handed-back' : 'resolved', firstResponseAt: T0 + 2000 };
  return HandoffCaseSchema.parse({ ...shaped, ...extra });
}

/** One event of each kind, valid wherever its kind is allowed. */
const EVENTS: Record<HandoffEvent['kind'], HandoffEvent> = {
  take: { kind: 'take', agent: 'li', at: T0 + 10 },
  transfer: { kind: 'transfer', to: { team: 'social' }, by: 'wang', at: T0 + 10 },
  release: { kind: 'release', by: 'wang', at: T0 + 10 },
  'hand-back': { kind: 'hand-back', by: 'wang', at: T0 + 10 },
  close: { kind: 'close', by: 'wang', resolution: { summary: '已答复' }, at: T0 + 10 },
  cancel: { kind: 'cancel', why: 'exit', at: T0 + 10 },
  expire: { kind: 'expire', why: 'resident-silent', at: T0 + 10 },
  'resident-message': { kind: 'resident-message', at: T0 + 10 },
  'agent-message': { kind: 'agent-message', agent: 'wang', at: T0 + 10 },
  notice: { kind: 'notice', at: T0 + 10, position: 2 },
  escalate: { kind: 'escalate', priority: 'urgent', at: T0 + 10 },
  rate: { kind: 'rate', rating: { score: 5, at: T0 + 10 } },
};

/** Where each event leads from each status it is allowed in (the table the docs draw). */
const EXPECTED: Record<HandoffEvent['kind'], Partial<Record<HandoffStatus, HandoffStatus>>> = {
  take: { queued: 'agent' },
  transfer: { queued: 'queued', agent: 'queued' },
  release: { agent: 'queued' },
  'hand-back': { agent: 'bot' },
  close: { agent: 'closed' },
  cancel: { queued: 'bot', agent: 'bot' },
  expire: { queued: 'closed', agent: 'closed' },
  'resident-message': { queued: 'queued', agent: 'agent' },
  'agent-message': { agent: 'agent' },
  notice: { queued: 'queued', agent: 'agent' },
  escalate: { queued: 'queued', agent: 'agent' },
  rate: { bot: 'bot', closed: 'closed' },
};

describe('handoff state machine', () => {
  const pairs = (Object.keys(EVENTS) as HandoffEvent['kind'][]).flatMap((kind) => HANDOFF_STATUSES.map((status) => [kind, status] as const));

  it.each(pairs)('%s from %s: allowed exactly where the table says, and leads where it says', (kind, status) => {
    const before = caseIn(status);
    const result = transition(before, EVENTS[kind]);
    const expected = EXPECTED[kind][status];
    expect(ALLOWED_FROM[kind].includes(status)).toBe(expected !== undefined);
    if (expected === undefined) {
      expect(result).toEqual({ ok: false, error: 'invalid-transition', message: `invalid transition: ${kind} from ${status}` });
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.case.status).toBe(expected);
    expect(result.case.v).toBe(before.v + 1);
    // Every result is a valid case (owner iff status agent; ended iff outcome).
    expect(HandoffCaseSchema.safeParse(result.case).success).toBe(true);
  });

  it('does not change the case it is given', () => {
    const before = caseIn('agent');
    const copy = structuredClone(before);
    transition(before, EVENTS.close);
    expect(before).toEqual(copy);
  });

  it('only the owner replies or releases; a transfer to the same agent is refused', () => {
    const held = caseIn('agent');
    expect(transition(held, { kind: 'agent-message', agent: 'li', at: T0 })).toMatchObject({ ok: false, error: 'not-owner' });
    expect(transition(held, { kind: 'release', by: 'li', at: T0 })).toMatchObject({ ok: false, error: 'not-owner' });
    expect(transition(held, { kind: 'transfer', to: { agent: 'wang' }, by: 'wang', at: T0 })).toMatchObject({ ok: false, error: 'same-owner' });
  });

  it('takes: the agent owns it from then; the first reply stamps the first response once', () => {
    const taken = transition(caseIn('queued'), EVENTS.take);
    expect(taken).toMatchObject({ ok: true, case: { status: 'agent', agent: 'li', assignedAt: T0 + 10 } });
    if (!taken.ok) return;
    const first = transition(taken.case, { kind: 'agent-message', agent: 'li', at: T0 + 100 });
    const second = first.ok ? transition(first.case, { kind: 'agent-message', agent: 'li', at: T0 + 200 }) : first;
    expect(second).toMatchObject({ ok: true, case: { firstResponseAt: T0 + 100, lastAgentAt: T0 + 200 } });
  });

  it('a transfer to a team puts the chat back in the queue with its original place in time, and records the transfer', () => {
    const moved = transition(caseIn('agent', { queuedAt: T0 - 60_000 }), EVENTS.transfer);
    expect(moved).toMatchObject({ ok: true, case: { status: 'queued', team: 'social', queuedAt: T0 - 60_000, transfers: [{ from: 'wang', to: { team: 'social' }, by: 'wang' }] } });
    if (moved.ok) expect(moved.case.agent).toBeUndefined();
    const direct = transition(caseIn('agent'), { kind: 'transfer', to: { agent: 'li' }, by: 'zhao', at: T0 + 5 });
    expect(direct).toMatchObject({ ok: true, case: { status: 'agent', agent: 'li', assignedAt: T0 + 5 } });
  });

  it('ending: hand-back and cancel give the chat to the bot, close and expire close it; each says how it ended', () => {
    const outcome = (status: HandoffStatus, e: HandoffEvent) => {
      const r = transition(caseIn(status), e);
      return r.ok ? [r.case.status, r.case.outcome, r.case.endedAt] : r.error;
    };
    expect(outcome('agent', EVENTS['hand-back'])).toEqual(['bot', 'handed-back', T0 + 10]);
    expect(outcome('agent', EVENTS.close)).toEqual(['closed', 'resolved', T0 + 10]);
    expect(outcome('queued', EVENTS.cancel)).toEqual(['bot', 'cancelled', T0 + 10]);
    expect(outcome('agent', { kind: 'cancel', why: 'left', at: T0 + 10 })).toEqual(['bot', 'resident-left', T0 + 10]);
    expect(outcome('agent', EVENTS.expire)).toEqual(['closed', 'resident-timeout', T0 + 10]);
    expect(outcome('queued', { kind: 'expire', why: 'desk-closed', at: T0 + 10 })).toEqual(['closed', 'after-hours', T0 + 10]);
  });

  it('rating: once, and only after an agent served the resident', () => {
    const served = caseIn('closed');
    const rated = transition(served, EVENTS.rate);
    expect(rated).toMatchObject({ ok: true, case: { rating: { score: 5 } } });
    if (rated.ok) expect(transition(rated.case, EVENTS.rate)).toMatchObject({ ok: false, error: 'already-rated' });
    const { firstResponseAt: _f, ...unserved } = served;
    expect(transition(unserved as HandoffCase, EVENTS.rate)).toMatchObject({ ok: false, error: 'not-served' });
  });

  it('escalates only upwards; urgent goes to the front of the queue, each band first come first served', () => {
    expect(transition(caseIn('queued', { priority: 'urgent' }), EVENTS.escalate)).toMatchObject({ ok: false, error: 'not-higher' });
    const early = { priority: 'normal' as const, queuedAt: T0 };
    const lateUrgent = { priority: 'urgent' as const, queuedAt: T0 + 3_600_000 };
    const lateHigh = { priority: 'high' as const, queuedAt: T0 + 60_000 };
    const order = [early, lateUrgent, lateHigh, { priority: 'normal' as const, queuedAt: T0 - 1 }].sort((a, b) => queueScore(a) - queueScore(b));
    expect(order.map((c) => `${c.priority}@${c.queuedAt - T0}`)).toEqual(['urgent@3600000', 'high@60000', 'normal@-1', 'normal@0']);
  });

  it('a resident message resets what the waiting resident was told; notices count up', () => {
    let c = caseIn('queued');
    for (const at of [1, 2]) {
      const r = transition(c, { kind: 'notice', at: T0 + at, position: 3 - at });
      if (r.ok) c = r.case;
    }
    expect(c.notices).toMatchObject({ sinceResident: 2, position: 1, at: T0 + 2 });
    const back = transition(c, EVENTS['resident-message']);
    expect(back).toMatchObject({ ok: true, case: { lastResidentAt: T0 + 10, notices: { sinceResident: 0 } } });
  });
});
