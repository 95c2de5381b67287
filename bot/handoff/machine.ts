import type { HandoffCase, HandoffStatus, Outcome, Priority, Rating, Resolution } from './model';

/**
 * The one state machine of a human session (Botpress HITL's guarded transitions are the model):
 *
 *   (bot) ──open──▶ queued ──take──▶ agent ──hand-back──▶ bot
 *                     ▲  │            │  └───close────────▶ closed
 *                     │  └─cancel/expire──▶ bot | closed
 *                     └──release / transfer to a team──┘
 *
 * Every change of a case goes through `transition`; anything not in the table is refused with
 * "invalid transition" and changes nothing. Pure: stores apply the result atomically (and check
 * the agent's capacity when the case gains an owner).
 */
export type HandoffEvent =
  /** An agent takes a waiting chat (接入). */
  | { kind: 'take'; agent: string; at: number }
  /** To another agent (direct) or team (back in the queue, keeping the resident's place in time). */
  | { kind: 'transfer'; to: { agent: string } | { team: string }; by: string; at: number }
  /** The owner puts the chat back into the queue. */
  | { kind: 'release'; by: string; at: number }
  /** The agent hands the conversation back to the bot, which resumes where it was. */
  | { kind: 'hand-back'; by: string; at: number }
  /** The agent closes the case with a resolution (and a work order, when one was opened). */
  | { kind: 'close'; by: string; resolution: Resolution; at: number }
  /** The resident leaves: 取消人工 (`exit`), or unfollows / erases the conversation (`left`). */
  | { kind: 'cancel'; why: 'exit' | 'left'; at: number }
  /** The resident went silent with an agent (`resident-silent`), or the team's hours ended while they waited (`desk-closed`). */
  | { kind: 'expire'; why: 'resident-silent' | 'desk-closed'; at: number }
  | { kind: 'resident-message'; at: number }
  | { kind: 'agent-message'; agent: string; at: number }
  /** What the resident was told while waiting (position updates, "still queued"). */
  | { kind: 'notice'; at: number; position?: number; silent?: boolean }
  /** Raises the priority (an emergency in the chat, a supervisor's call). */
  | { kind: 'escalate'; priority: Priority; at: number }
  /** The resident's rating of the human service, once, after an agent served them. */
  | { kind: 'rate'; rating: Rating };

export type TransitionError = 'invalid-transition' | 'not-owner' | 'same-owner' | 'already-rated' | 'not-served' | 'not-higher';
export type TransitionResult = { ok: true; case: HandoffCase } | { ok: false; error: TransitionError; message: string };

const ACTIVE: readonly HandoffStatus[] = ['queued', 'agent'];
const ENDED: readonly HandoffStatus[] = ['bot', 'closed'];

/** Which statuses each event may start from. */
export const ALLOWED_FROM: Record<HandoffEvent['kind'], readonly HandoffStatus[]> = {
  take: ['queued'],
  transfer: ACTIVE,
  release: ['agent'],
  'hand-back': ['agent'],
  close: ['agent'],
  cancel: ACTIVE,
  expire: ACTIVE,
  'resident-message': ACTIVE,
  'agent-message': ['agent'],
  notice: ACTIVE,
  escalate: ACTIVE,
  rate: ENDED,
};

type Refusal = Extract<TransitionResult, { ok: false }>;

function refuse(error: TransitionError, message: string): Refusal {
  return { ok: false, error, message };
}

function end(c: HandoffCase, status: 'bot' | 'closed', outcome: Outcome, at: number): HandoffCase {
  const { agent: _agent, ...rest } = c;
  return { ...rest, status, outcome, endedAt: at };
}

function unassign(c: HandoffCase, team: string): HandoffCase {
  const { agent: _agent, assignedAt: _assigned, ...rest } = c;
  // Back in the queue: what the resident is told while waiting starts afresh.
  return { ...rest, status: 'queued', team, notices: { at: c.notices.at, sinceResident: 0 } };
}

/** Applies one event to a case; the result has its version raised, or says why it was refused. */
export function transition(c: HandoffCase, event: HandoffEvent): TransitionResult {
  if (!ALLOWED_FROM[event.kind].includes(c.status)) {
    return refuse('invalid-transition', `invalid transition: ${event.kind} from ${c.status}`);
  }
  const next = apply(c, event);
  if ('ok' in next) return next;
  return { ok: true, case: { ...next, v: c.v + 1 } };
}

function apply(c: HandoffCase, e: HandoffEvent): HandoffCase | Refusal {
  switch (e.kind) {
    case 'take':
      return { ...c, status: 'agent', agent: e.agent, lastAgent: e.agent, assignedAt: e.at };
    case 'transfer': {
      if ('agent' in e.to) {
        if (c.agent === e.to.agent) return refuse('same-owner', 'the chat is already with that agent');
        const transfers = [...c.transfers, { at: e.at, by: e.by, from: c.agent, to: e.to }].slice(-20);
        return { ...c, status: 'agent', agent: e.to.agent, lastAgent: e.to.agent, assignedAt: e.at, transfers };
      }
      const transfers = [...c.transfers, { at: e.at, by: e.by, from: c.agent, to: e.to }].slice(-20);
      return { ...unassign(c, e.to.team), transfers };
    }
    case 'release':
      if (c.agent !== e.by) return refuse('not-owner', 'only the agent who holds the chat can put it back');
      return unassign(c, c.team);
    case 'hand-back':
      return end(c, 'bot', 'handed-back', e.at);
    case 'close':
      return { ...end(c, 'closed', 'resolved', e.at), resolution: e.resolution };
    case 'cancel':
      if (e.why === 'exit') return end(c, 'bot', 'cancelled', e.at);
      // Unfollowed or asked to be forgotten: what the bot had collected goes too.
      return { ...end(c, 'bot', 'resident-left', e.at), collected: { slots: {} } };
    case 'expire':
      return end(c, 'closed', e.why === 'desk-closed' ? 'after-hours' : 'resident-timeout', e.at);
    case 'resident-message':
      return { ...c, lastResidentAt: Math.max(c.lastResidentAt, e.at), notices: { ...c.notices, sinceResident: 0 } };
    case 'agent-message':
      if (c.agent !== e.agent) return refuse('not-owner', 'only the agent who holds the chat can reply');
      // The agent answered: a later unanswered stretch may be told "please wait" again.
      return { ...c, lastAgentAt: Math.max(c.lastAgentAt ?? 0, e.at), firstResponseAt: c.firstResponseAt ?? e.at, notices: { ...c.notices, silentAt: undefined } };
    case 'notice':
      return {
        ...c,
        notices: e.silent
          ? { ...c.notices, silentAt: e.at }
          : { ...c.notices, at: e.at, position: e.position ?? c.notices.position, sinceResident: c.notices.sinceResident + 1 },
      };
    case 'escalate': {
      const order: Priority[] = ['normal', 'high', 'urgent'];
      if (order.indexOf(e.priority) <= order.indexOf(c.priority)) return refuse('not-higher', `the chat is already ${c.priority}`);
      return { ...c, priority: e.priority };
    }
    case 'rate':
      if (c.rating) return refuse('already-rated', 'the service was rated already');
      if (c.firstResponseAt === undefined) return refuse('not-served', 'no agent served this chat');
      return { ...c, rating: e.rating };
  }
}

/** Whether the event gives the case a (new) owner, whose capacity the store must check. */
export function gainsOwner(before: HandoffCase, after: HandoffCase): string | undefined {
  return after.agent !== undefined && after.agent !== before.agent ? after.agent : undefined;
}
