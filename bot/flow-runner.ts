import type { z } from 'zod';
import type { ActionDefinition } from '../flows/actions';
import { advance, back, currentQuestion, restart, startFlow, type FlowLookup } from '../flows/engine';
import type { Lexicon } from '../flows/language/lexicon';
import type { FlowRegistry } from '../flows/registry';
import type { EngineContext, EngineInput, EngineResult, FlowFrame, Json } from '../flows/types';
import type { RecordWrite } from './ports';
import { texts } from './texts';
import type { Turn } from './turn';

// Actions see whatever context the composition root gives them (ports, backends).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = ActionDefinition<z.ZodObject, z.ZodType, any>;

export interface FlowRunnerDeps {
  flows: FlowRegistry;
  actions: ReadonlyMap<string, AnyAction>;
  /**
   * Given to every action run, next to its idempotency key `key` (message + flow + step), `log`,
   * `now`, `from` (the conversation: channel, user and conversation id, for actions that reach
   * the resident later, such as a booking's reminder) and `fileRecord(record)`: a record created
   * with the turn's session write, both or neither.
   */
  actionContext: object;
  timeZone: string;
  vars: Record<string, Json>;
  /** Whether human agents answer handed-off chats; without them the resident is pointed to 12345. */
  humanAgents: boolean;
  lexicon?: Lexicon;
}

const MAX_ACTIONS_PER_TURN = 10;

/**
 * Adapts a turn to the pure engine: builds its context, runs the actions it asks for through
 * their zod schemas, records them as effects, and applies the outcome to the session.
 */
export class FlowRunner {
  constructor(private readonly deps: FlowRunnerDeps) {}

  get flows(): FlowLookup {
    return this.deps.flows;
  }

  context(turn: Turn): EngineContext {
    return { now: turn.now, timeZone: this.deps.timeZone, vars: this.deps.vars, lexicon: this.deps.lexicon };
  }

  /**
   * Starts a flow; `keep` keeps the current frames underneath (help, a request made mid-dialogue).
   * `text`: the message that asked for it, read for the flow's slots (see startFlow).
   */
  async start(turn: Turn, flowId: string, params: Record<string, Json> = {}, keep = false, text?: string): Promise<void> {
    const frames = keep ? turn.session.frames : [];
    // Only the parameters the flow declares reach it: trigger text and intent slots stay out of other flows' state.
    const declared = this.deps.flows.latest(flowId)?.params ?? [];
    const given = Object.fromEntries(Object.entries(params).filter(([k]) => declared.includes(k)));
    await this.settle(turn, startFlow(this.deps.flows, flowId, this.context(turn), given, frames, text));
  }

  async advance(turn: Turn, input: EngineInput): Promise<void> {
    await this.settle(turn, advance(this.deps.flows, turn.session.frames, input, this.context(turn)));
  }

  async back(turn: Turn): Promise<void> {
    await this.settle(turn, back(this.deps.flows, turn.session.frames, this.context(turn)));
  }

  async restart(turn: Turn): Promise<void> {
    await this.settle(turn, restart(this.deps.flows, turn.session.frames, this.context(turn)));
  }

  question(turn: Turn): void {
    turn.replies.push(...currentQuestion(this.deps.flows, turn.session.frames, this.context(turn)));
  }

  /** Frames whose flow version is no longer loaded: never misread, always dropped. */
  staleFrames(frames: FlowFrame[]): FlowFrame[] {
    return frames.filter((f) => !this.deps.flows.get(f.flowId, f.version));
  }

  private async settle(turn: Turn, first: EngineResult): Promise<void> {
    let result = first;
    for (let i = 0; result.outcome.status === 'action'; i++) {
      if (i >= MAX_ACTIONS_PER_TURN) throw new Error(`FlowRunner: more than ${MAX_ACTIONS_PER_TURN} actions in one turn`);
      turn.replies.push(...result.replies);
      const request = result.outcome.request;
      const input = await this.runAction(turn, request.action, request.input, `${turn.message.channel}:${turn.message.id}:${request.flowId}:${request.stepId}`);
      turn.entered.push(...result.entered);
      result = advance(this.deps.flows, result.frames, input, this.context(turn));
    }
    turn.entered.push(...result.entered);
    turn.replies.push(...result.replies);
    turn.session.frames = result.frames;
    const top = result.frames.at(-1);
    turn.trace.flow = top ? `${top.flowId}@${top.version}` : turn.trace.flow;
    turn.trace.step = top?.stepId;
    if (result.outcome.status === 'handoff') this.handoff(turn, result.outcome.reason);
  }

  private async runAction(turn: Turn, name: string, rawInput: Record<string, Json>, key: string): Promise<EngineInput> {
    const action = this.deps.actions.get(name);
    if (!action) throw new Error(`FlowRunner: unknown action "${name}"`);
    const input = action.input.safeParse(rawInput);
    if (!input.success) {
      turn.log.error({ action: name, issues: input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'action input invalid');
      turn.effects.push({ action: name, input: rawInput, ok: false });
      return { kind: 'action-result', ok: false, error: 'invalid input' };
    }
    try {
      const fileRecord = (record: RecordWrite) => void turn.records.push(record);
      const { channel, userId, conversationId } = turn.message;
      const from = { channel, userId, conversationId };
      const output = action.output.parse(await action.run(input.data, { ...this.deps.actionContext, key, log: turn.log, now: turn.now, from, fileRecord }));
      turn.effects.push({ action: name, input: rawInput, ok: true });
      return { kind: 'action-result', ok: true, output: output as Json };
    } catch (error) {
      turn.log.error({ action: name, err: error }, 'action failed');
      turn.effects.push({ action: name, input: rawInput, ok: false });
      return { kind: 'action-result', ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * A human takes over: the flow state is set aside and the handoff gate keeps the bot silent.
   * Without agents the resident is told so plainly and pointed to the 12345 hotline; the request
   * is still recorded as an effect, so demand for agents is visible.
   */
  handoff(turn: Turn, reason: string): void {
    turn.session.frames = [];
    turn.trace.stage = 'handoff';
    turn.effects.push({ action: 'handoff.request', input: { reason }, ok: this.deps.humanAgents });
    turn.log.info({ reason, agents: this.deps.humanAgents }, 'handoff requested');
    if (!this.deps.humanAgents) {
      turn.replies.push({ kind: 'text', text: texts.noAgents });
      return;
    }
    turn.session.handoff = { since: turn.now, reason, acknowledged: false };
    turn.replies.push({ kind: 'text', text: texts.handoffStarted });
  }
}
