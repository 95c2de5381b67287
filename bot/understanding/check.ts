import type { Command, Target } from './commands';
import type { DialogueSnapshot } from './snapshot';

/**
 * Drops what does not fit the conversation before anything runs (Rasa's clean-up): answers,
 * slots and picks without a question or outside it, flows and services that do not exist or
 * were not offered, a second start, a clarify mixed with other commands. Whoever produced the
 * commands (offline or LLM), only these reach the engine. Never empty: `cannot_handle` remains.
 */
export function checkCommands(commands: readonly Command[], s: DialogueSnapshot): Command[] {
  const question = s.dialogue?.question;
  // Each list is read only when a command needs it (the snapshot computes them lazily; the
  // services mean a catalogue search).
  let slots: Set<string> | undefined;
  let flows: Set<string> | undefined;
  let services: Set<string> | undefined;
  const isSlot = (name: string) => (slots ??= new Set(s.dialogue?.slots.map((x) => x.name))).has(name);
  const isFlow = (id: string) => id === s.dialogue?.flow.id || (flows ??= new Set(s.flows.map((f) => f.id))).has(id);
  const validTarget = (t: Target) => ('flow' in t ? isFlow(t.flow) : (services ??= new Set(s.services.map((x) => x.code))).has(t.service));

  const kept: Command[] = [];
  for (const c of commands) {
    switch (c.kind) {
      case 'answer':
        if (question) kept.push(c);
        break;
      case 'set_slot':
        if (c.slot === question?.slot || isSlot(c.slot)) kept.push(c);
        break;
      case 'pick':
        if (question?.options?.some((o) => o.value === c.option)) kept.push(c);
        break;
      case 'start':
        if (validTarget(c.target) && !kept.some((k) => k.kind === 'start')) kept.push(c);
        break;
      case 'clarify': {
        const targets = c.targets.filter(validTarget);
        if (targets.length >= 2) kept.push({ kind: 'clarify', targets });
        break;
      }
      case 'cancel':
        if (s.dialogue) kept.push(c);
        break;
      default:
        if (!kept.some((k) => k.kind === c.kind)) kept.push(c);
    }
  }
  const clarify = kept.find((c) => c.kind === 'clarify');
  if (clarify) return [clarify];
  return kept.length ? kept : [{ kind: 'cannot_handle' }];
}
