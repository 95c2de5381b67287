import { isHandoffExit } from '../handoff/exit';
import { collectedFrom, type HandoffDesk } from '../handoff/desk';
import { isActive, newCase } from '../handoff/model';
import { takeBack } from '../handoff/resume';
import { handoffTexts } from '../handoff/texts';
import type { FlowRunner } from '../flow-runner';
import { matchCommand } from '../commands';
import type { Middleware, Turn } from '../turn';

export interface HandoffGateDeps {
  runner: FlowRunner;
  /** The desk (HUMAN_AGENTS=on); without it a pending handoff is let go. */
  desk?: HandoffDesk;
  mainMenuFlow: string;
}

/** How often a waiting resident who keeps writing is told their place again (each reply is free on WeChat: a passive reply). */
const ACK_EVERY_MS = 2 * 60_000;

/**
 * Before any flow runs: who owns the conversation. While its case is waiting or with an agent,
 * the bot is silent — the message is in the transcript for the agent (bot/handoff/recorder.ts)
 * — except for a short acknowledgement with the place in the queue while waiting, and the exit
 * (取消人工). Once the case has ended (an agent handed back or closed it, the resident went
 * silent), the bot takes the conversation back here if the console's system turn has not yet.
 * Unfollowing or erasing the conversation ends the human service and goes on to the lifecycle stage.
 */
export function handoffGate({ runner, desk, mainMenuFlow }: HandoffGateDeps): Middleware {
  return async (turn, next) => {
    const handoff = turn.session.handoff;
    if (!handoff) {
      if (turn.text !== undefined && isHandoffExit(turn.text, false) && desk) {
        turn.trace.stage = 'handoff:none';
        turn.replies.push({ kind: 'text', text: '好的。现在没有在等人工客服，需要时回复“人工”就行。' });
        return;
      }
      return next();
    }
    if (!desk) {
      // Agents were switched off since: the bot has the conversation again.
      turn.session.handoff = undefined;
      return next();
    }
    turn.trace.stage = 'handoff';
    let c = await desk.get(handoff.caseId);
    if (!c) {
      // The turn that handed over was saved but its queueing was not (a store failure right after): queue it now.
      const m = turn.message;
      const collected = collectedFrom(handoff.pinned, (f) => runner.flows.get(f.flowId, f.version)?.title);
      c = await desk.enqueue(newCase({ id: handoff.caseId, address: { channel: m.channel, userId: m.userId, conversationId: m.conversationId }, ...desk.route('asked'), trigger: 'asked', reason: 'queued again after a failure', collected, at: handoff.since }));
      // The conversation had another active case after all: that one owns it.
      handoff.caseId = c.id;
    }
    if (!isActive(c)) {
      await takeBack(turn, c, runner, desk);
      // The message itself was written to people who have gone: a lifecycle message still counts.
      if (turn.message.kind === 'unsubscribe' || (turn.text !== undefined && matchCommand(turn.text) === 'forget')) return next();
      return;
    }
    const leaving = turn.message.kind === 'unsubscribe' || (turn.text !== undefined && matchCommand(turn.text) === 'forget');
    if (leaving) {
      await desk.apply(c.id, { kind: 'cancel', why: 'left', at: turn.now });
      turn.session.handoff = undefined;
      return next();
    }
    if (turn.text !== undefined && isHandoffExit(turn.text, c.status === 'queued')) {
      const result = await desk.apply(c.id, { kind: 'cancel', why: 'exit', at: turn.now });
      if (result.ok) await takeBack(turn, result.case, runner, desk);
      else turn.session.handoff = undefined;
      if (turn.session.frames.length === 0 && turn.replies.length <= 1) await runner.start(turn, mainMenuFlow);
      return;
    }
    turn.effects.push({ action: 'handoff.message', input: { kind: turn.message.kind, status: c.status }, ok: true });
    await desk.apply(c.id, { kind: 'resident-message', at: turn.now });
    // The first message after being queued is acknowledged, later ones every few minutes.
    const told = handoff.toldAt ?? 0;
    if (c.status === 'queued' && (told === handoff.since || turn.now - told >= ACK_EVERY_MS)) await acknowledge(turn, desk, c);
  };
}

async function acknowledge(turn: Turn, desk: HandoffDesk, c: Parameters<HandoffDesk['place']>[0]): Promise<void> {
  const place = await desk.place(c, turn.now);
  turn.session.handoff!.toldAt = turn.now;
  turn.replies.push({ kind: 'text', text: handoffTexts.waitingAck(place) });
}
