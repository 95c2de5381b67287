import { matchEmergency, type EmergencyRules } from '../../flows/emergency';
import type { FlowRunner } from '../flow-runner';
import type { Middleware } from '../turn';

const CONTINUE_HINT = '不是紧急情况的话，请继续回答刚才的问题。';

/**
 * Emergencies first: a message that signals fire, a medical emergency, a crime or an accident is
 * answered at once with 110/119/120/122, whatever state the conversation is in (a chat with an
 * agent included: safety before silence). The flow state is left as it was, so a false alarm
 * costs one message. Rules marked `handoff` (thoughts of suicide, fraud) also put the chat first
 * in the agents' queue while they work, the flow pinned to resume later.
 */
export function emergency(rules: EmergencyRules, runner?: FlowRunner): Middleware {
  return async (turn, next) => {
    const rule = turn.text !== undefined ? matchEmergency(rules, turn.text) : undefined;
    if (!rule) return next();
    turn.trace.stage = `emergency:${rule.id}`;
    turn.log.info({ rule: rule.id }, 'emergency redirected');
    turn.effects.push({ action: 'emergency.redirect', input: { rule: rule.id }, ok: true });
    turn.replies.push({ kind: 'text', text: rule.reply });
    if (rule.handoff && runner && !turn.session.handoff && (await runner.handoff(turn, `urgent: ${rule.id}`, 'urgent', { priority: 'urgent', onlyIfOpen: true }))) return;
    if (turn.session.frames.length && !turn.session.handoff) turn.replies.push({ kind: 'text', text: CONTINUE_HINT });
  };
}
