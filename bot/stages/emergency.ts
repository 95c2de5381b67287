import { matchEmergency, type EmergencyRules } from '../../flows/emergency';
import type { Middleware } from '../turn';

const CONTINUE_HINT = '不是紧急情况的话，请继续回答刚才的问题。';

/**
 * Emergencies first: a message that signals fire, a medical emergency, a crime or an accident is
 * answered at once with 110/119/120/122, whatever state the conversation is in. The flow state is
 * left as it was, so a false alarm costs one message.
 */
export function emergency(rules: EmergencyRules): Middleware {
  return async (turn, next) => {
    const rule = turn.text !== undefined ? matchEmergency(rules, turn.text) : undefined;
    if (!rule) return next();
    turn.trace.stage = `emergency:${rule.id}`;
    turn.log.info({ rule: rule.id }, 'emergency redirected');
    turn.effects.push({ action: 'emergency.redirect', input: { rule: rule.id }, ok: true });
    turn.replies.push({ kind: 'text', text: rule.reply });
    if (turn.session.frames.length) turn.replies.push({ kind: 'text', text: CONTINUE_HINT });
  };
}
