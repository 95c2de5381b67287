import { FlowRuntimeError, Run, type AnswerProbe, type FlowLookup } from './run';
import { copyFrame, newFrame } from './frames';
import type { Step } from './schema';
import type { EngineContext, EngineInput, EngineResult, FlowFrame, FlowReply, Json, Slots } from './types';

/**
 * The pure flow engine (XState's `transition` is the model): given flow definitions, the
 * conversation's frames and one input, it returns the new frames, the replies and why it
 * stopped. It does no I/O: actions come back as requests that the runtime runs and feeds back.
 * The work of one call is done by `Run` (run.ts); these are its entry points.
 */
export { FlowRuntimeError, type AnswerProbe, type FlowLookup } from './run';

/**
 * Starts `flowId` (its latest version) on top of `frames` (or alone), with optional parameters.
 * `text`: the message that asked for it; whatever it already states fills the flow's slots
 * (as any later message would), so the flow does not ask again.
 */
export function startFlow(flows: FlowLookup, flowId: string, ctx: EngineContext, params: Slots = {}, frames: FlowFrame[] = [], text?: string): EngineResult {
  const flow = flows.latest(flowId);
  if (!flow) throw new FlowRuntimeError(`startFlow(): unknown flow "${flowId}"`);
  const frame = newFrame(flow, params);
  const run = new Run(flows, [...frames.map(copyFrame), frame], ctx, [flow.id]);
  if (text !== undefined) run.fillFrom(frame, text);
  return run.execute();
}

/** Feeds one input (an answer, a location, an action result) to the top frame. */
export function advance(flows: FlowLookup, frames: FlowFrame[], input: EngineInput, ctx: EngineContext): EngineResult {
  const run = new Run(flows, frames.map(copyFrame), ctx);
  return run.answer(input);
}

/** 返回/上一步: asks the previous question again. */
export function back(flows: FlowLookup, frames: FlowFrame[], ctx: EngineContext): EngineResult {
  const run = new Run(flows, frames.map(copyFrame), ctx);
  return run.back();
}

/** 重新开始: starts the top flow again from its first step, keeping its parameters only. */
export function restart(flows: FlowLookup, frames: FlowFrame[], ctx: EngineContext): EngineResult {
  const top = frames.at(-1);
  if (!top) return { frames: [], replies: [], outcome: { status: 'done' }, entered: [] };
  const flow = flows.get(top.flowId, top.version);
  if (!flow) throw new FlowRuntimeError(`restart(): flow ${top.flowId}@${top.version} is not loaded`);
  const params = Object.fromEntries(flow.params.flatMap((p) => (p in top.slots ? [[p, top.slots[p] as Json]] : [])));
  const run = new Run(flows, [...frames.slice(0, -1).map(copyFrame), newFrame(flow, params)], ctx, [flow.id]);
  return run.execute();
}

/** Renders the current question again (after 帮助 or a refused message), without changing state. */
export function currentQuestion(flows: FlowLookup, frames: FlowFrame[], ctx: EngineContext): FlowReply[] {
  const run = new Run(flows, frames.map(copyFrame), ctx);
  return run.question();
}

/** Reads `text` as the answer to the top frame's question on a copy of the state: would it be taken? */
export function probeAnswer(flows: FlowLookup, frames: FlowFrame[], text: string, ctx: EngineContext): AnswerProbe {
  const run = new Run(flows, frames.map(copyFrame), ctx);
  return run.probe(text);
}

/**
 * Gives slots of the top frame values stated elsewhere (an LLM's `set_slot`), each read by its
 * step's own parser so nothing unchecked is stored. Returns the new frames and the slots taken.
 */
export function fillSlots(flows: FlowLookup, frames: FlowFrame[], values: Record<string, string>, ctx: EngineContext): { frames: FlowFrame[]; filled: string[] } {
  const run = new Run(flows, frames.map(copyFrame), ctx);
  return run.fillValues(values);
}

/** The step the top frame is waiting on, if its flow version is loaded. */
export function currentStep(flows: FlowLookup, frames: FlowFrame[]): Step | undefined {
  const top = frames.at(-1);
  return top ? flows.get(top.flowId, top.version)?.steps.find((s) => s.id === top.stepId) : undefined;
}

/** The title of the flow the conversation is in, for "where were we" offers. */
export function currentTitle(flows: FlowLookup, frames: FlowFrame[]): string | undefined {
  const top = frames[0];
  return top ? flows.get(top.flowId, top.version)?.title : undefined;
}

