import { matchCommand } from '../commands';
import { texts } from '../texts';
import type { Middleware } from '../turn';
import type { FlowRunner } from '../flow-runner';

/**
 * While a human owns the conversation the bot stays silent: messages are recorded for the agent
 * and acknowledged once. 返回/取消/菜单 hand the conversation back to the bot.
 */
export function handoffGate(runner: FlowRunner, mainMenuFlow: string): Middleware {
  return async (turn, next) => {
    const handoff = turn.session.handoff;
    if (!handoff) return next();
    turn.trace.stage = 'handoff';
    const command = turn.text !== undefined ? matchCommand(turn.text) : undefined;
    if (command === 'back' || command === 'cancel' || command === 'menu') {
      turn.session.handoff = undefined;
      turn.effects.push({ action: 'handoff.end', input: { by: 'resident' }, ok: true });
      turn.replies.push({ kind: 'text', text: texts.handoffEnded });
      await runner.start(turn, mainMenuFlow);
      return;
    }
    turn.effects.push({ action: 'handoff.message', input: { kind: turn.message.kind }, ok: true });
    if (!handoff.acknowledged) {
      handoff.acknowledged = true;
      turn.replies.push({ kind: 'text', text: texts.handoffAcknowledged });
    }
  };
}
