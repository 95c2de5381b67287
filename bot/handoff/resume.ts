import { currentTitle } from '../../flows/engine';
import type { FlowRunner } from '../flow-runner';
import type { Turn } from '../turn';
import type { HandoffDesk } from './desk';
import { wasServed, type HandoffCase } from './model';
import { handoffTexts } from './texts';

/** The flow that asks residents to rate the human service (flows/definitions/human-rating.yaml). */
export const RATING_FLOW = 'human-rating';

/**
 * The bot takes the conversation back after a case ended (inside a turn: the resident's next
 * message, or the system turn the console runs when an agent hands back or closes). It says how
 * the human service ended, then:
 * - handed back or cancelled: the pinned flow resumes where it was;
 * - the resident went silent: the pinned flow is set aside and offered back when they return;
 * - resolved: the pinned flow is dropped (the matter is settled);
 * and when an agent served the resident, asks for a rating first (the resumed flow follows it).
 */
export async function takeBack(turn: Turn, c: HandoffCase, runner: FlowRunner, desk: HandoffDesk): Promise<void> {
  const handoff = turn.session.handoff;
  turn.session.handoff = undefined;
  const pinned = handoff?.caseId === c.id ? handoff.pinned : [];
  turn.trace.stage = `handoff-end:${c.outcome ?? '?'}`;
  turn.effects.push({ action: 'handoff.end', input: { outcome: c.outcome ?? '', caseId: c.id }, ok: true });
  const lead =
    c.outcome === 'handed-back' ? handoffTexts.handedBack
    : c.outcome === 'resolved' ? handoffTexts.resolved(c.resolution?.workOrder)
    : c.outcome === 'resident-timeout' ? handoffTexts.timedOut
    : c.outcome === 'cancelled' ? handoffTexts.cancelled
    : c.outcome === 'after-hours' ? handoffTexts.closedWhileWaiting(desk.deps.hours.describe(c.team, turn.now))
    : undefined;
  if (lead) turn.replies.push({ kind: 'text', text: lead });

  const resumes = c.outcome === 'handed-back' || c.outcome === 'cancelled';
  const frames = resumes ? pinned.filter((f) => runner.staleFrames([f]).length === 0) : [];
  turn.session.frames = frames;
  if ((c.outcome === 'resident-timeout' || c.outcome === 'after-hours') && pinned.length) {
    const title = currentTitle(runner.flows, pinned);
    if (title) turn.session.paused = { frames: pinned, title, offered: false };
  }
  if (wasServed(c) && !c.rating && runner.flows.latest(RATING_FLOW)) {
    const top = frames.at(-1);
    if (top) top.interrupted = true;
    await runner.start(turn, RATING_FLOW, { caseId: c.id }, frames.length > 0);
    return;
  }
  const title = currentTitle(runner.flows, frames);
  if (title && frames.length) {
    turn.replies.push({ kind: 'text', text: `好，我们接着办「${title}」。` });
    runner.question(turn);
  }
}
