import { EXTRACTED_BY_DEFAULT, type AskStep, type Flow } from './schema';
import type { Lexicon } from './language/lexicon';
import { contentLength, extractSlots, type ExtractTarget } from './slots';
import { optionWords, type ChoiceOption } from './slots/choice';
import type { EngineContext, FlowFrame } from './types';

/** What filling needs of the engine call it runs in. */
export interface FillContext {
  flows: { latest(flowId: string): Flow | undefined };
  ctx: EngineContext;
  lexicon: Lexicon;
  /** The options a question offers (unavailable ones left out). */
  offeredOf(frame: FlowFrame, step: AskStep): ChoiceOption[];
}

/** Whether a message is long enough to state anything besides a short answer. */
function mayStateMore(text: string): boolean {
  return contentLength(text) >= 3 && !/^\s*\d{1,3}\s*$/u.test(text);
}

/**
 * Fills every slot of `frame` (a frame of `flow`, and of the flows it calls) that `text` states and
 * that is still empty, except `except` (the question being answered). Values for called flows are
 * kept in `frame.carry` until the call. Returns the names filled in `frame`.
 */
export function fillFrom(c: FillContext, flow: Flow, frame: FlowFrame, text: string, except?: AskStep): string[] {
  // "1", "是", "跳过" answering a question: nothing more to read. A request that starts a flow
  // ("不约了") is always read.
  if (except && !mayStateMore(text)) return [];
  const consumed = except?.type === 'choice' ? optionWords(c.offeredOf(frame, except), c.lexicon) : [];
  const local = targetsIn(c, flow, frame, (slot) => frame.slots[slot] === undefined && slot !== except?.slot);
  // The question's own answer is read too, so its words ("11月20号") are not taken for a story.
  const own = except && except.type !== 'text' && except.type !== 'choice' ? [{ step: except, options: [] }] : [];
  const filled = Object.entries(extractSlots(text, [...own, ...local], c.ctx, c.lexicon, consumed)).filter(([slot]) => slot !== except?.slot);
  for (const [slot, value] of filled) frame.slots[slot] = value;
  // Flows this one calls: kept aside until the call, then given to the called flow.
  for (const step of flow.steps) {
    if (step.kind !== 'flow' || !step.return) continue;
    const callee = c.flows.latest(step.flow);
    if (!callee) continue;
    const carried = frame.carry?.[callee.id] ?? {};
    const targets = targetsIn(c, callee, { ...frame, slots: carried }, (slot) => carried[slot] === undefined);
    const found = extractSlots(text, targets, c.ctx, c.lexicon, consumed);
    if (Object.keys(found).length) frame.carry = { ...frame.carry, [callee.id]: { ...carried, ...found } };
  }
  return filled.map(([slot]) => slot);
}

/** The ask steps of `flow` a message may fill (extract), whose slot is still `open`. */
function targetsIn(c: FillContext, flow: Flow, frame: FlowFrame, open: (slot: string) => boolean): ExtractTarget[] {
  return flow.steps.flatMap((step) =>
    step.kind === 'ask' && (step.extract ?? EXTRACTED_BY_DEFAULT.includes(step.type)) && open(step.slot) ? [{ step, options: step.type === 'choice' ? c.offeredOf(frame, step) : [] }] : [],
  );
}
