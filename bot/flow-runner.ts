import type { z } from 'zod';
import type { ActionDefinition } from '../flows/actions';
import { advance, back, currentQuestion, restart, startFlow, type FlowLookup } from '../flows/engine';
import type { Lexicon } from '../flows/language/lexicon';
import type { FlowRegistry } from '../flows/registry';
import type { EngineContext, EngineInput, EngineResult, FlowFrame, Json } from '../flows/types';
import { collectedFrom, type HandoffDesk } from './handoff/desk';
import { formatWhen } from './handoff/format';
import { TRIGGERS, type Priority, type Trigger } from './handoff/model';
import { handoffTexts } from './handoff/texts';
import type { ConversationAddress, RecordWrite } from './ports';
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
   * `now`, `conversation` (channel, user and conversation id, for actions that reach
   * the resident later, such as a booking's reminder) and `fileRecord(record)`: a record created
   * with the turn's session write, both or neither.
   */
  actionContext: object;
  timeZone: string;
  vars: Record<string, Json>;
  /** The human-agent desk (HUMAN_AGENTS=on); without it the resident is pointed to 12345. */
  desk?: HandoffDesk;
  lexicon?: Lexicon;
}

/** The flow a resident leaves a message in outside the agents' hours (when work orders are bound). */
export const MESSAGE_FLOW = 'human-message';

/** How a handoff came about, beyond its reason (see `handoff`). */
export interface HandoffOptions {
  /** Frames to resume when the bot gets the chat back (default: the current ones). */
  pinned?: FlowFrame[];
  /** Frames whose slots the agent sees (default: `pinned`). */
  collected?: FlowFrame[];
  priority?: Priority;
  /** Only while the route's team is at work (an emergency: the hotlines are the answer otherwise); nothing happens else. */
  onlyIfOpen?: boolean;
}

/** A handoff step's reason may start with a trigger ("bad-rating: …") to route it as flows/desk.yaml says. */
function triggerOf(reason: string, fallback: Trigger): Trigger {
  const head = /^([a-z-]+):/.exec(reason)?.[1];
  return head && (TRIGGERS as readonly string[]).includes(head) ? (head as Trigger) : fallback;
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
    const before = turn.session.frames;
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
    if (result.outcome.status === 'handoff') {
      // A flow's handoff step ends the flow: nothing to resume, but the agent sees what it collected.
      await this.handoff(turn, result.outcome.reason, triggerOf(result.outcome.reason, 'flow'), { pinned: result.frames, collected: before });
      return;
    }
    if (result.stuck && this.deps.desk) await this.offerOnStuck(turn, result.stuck);
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
      const m = turn.message;
      const conversation: ConversationAddress = { channel: m.channel, userId: m.userId, conversationId: m.conversationId };
      const output = action.output.parse(await action.run(input.data, { ...this.deps.actionContext, key, log: turn.log, now: turn.now, fileRecord, conversation }));
      turn.effects.push({ action: name, input: rawInput, ok: true });
      return { kind: 'action-result', ok: true, output: output as Json };
    } catch (error) {
      turn.log.error({ action: name, err: error }, 'action failed');
      turn.effects.push({ action: name, input: rawInput, ok: false });
      return { kind: 'action-result', ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Hands the conversation to people. With the desk open for the route's team, the chat joins the
   * live queue (once the turn is saved; the case id follows from the message, so a retry queues
   * it once) and the resident hears their place and the expected wait; the flow in progress is
   * pinned, to resume when the bot gets the chat back. Outside the team's hours the resident may
   * leave a message that becomes a work order with a promised callback (when work orders are
   * bound), else hears the hours and 12345. Without agents (HUMAN_AGENTS=off) the resident is
   * pointed to the 12345 hotline. Every request is an effect, so demand for agents is visible.
   */
  async handoff(turn: Turn, reason: string, trigger: Trigger, options: HandoffOptions = {}): Promise<boolean> {
    const desk = this.deps.desk;
    if (options.onlyIfOpen && (!desk || !desk.isOpen(desk.route(trigger).team, turn.now))) return false;
    const pinned = (options.pinned ?? turn.session.frames).slice(-8);
    turn.trace.stage = 'handoff';
    turn.effects.push({ action: 'handoff.request', input: { reason, trigger }, ok: desk !== undefined });
    turn.log.info({ reason, trigger, agents: desk !== undefined }, 'handoff requested');
    if (!desk) {
      turn.session.frames = [];
      turn.replies.push({ kind: 'text', text: texts.noAgents });
      return false;
    }
    const at = turn.now;
    const m = turn.message;
    const route = desk.route(trigger);
    if (!desk.isOpen(route.team, at)) {
      await this.afterHours(turn, desk, route.team, reason, pinned);
      return false;
    }
    const title = (frame: FlowFrame) => this.deps.flows.get(frame.flowId, frame.version)?.title;
    const c = desk.newCase({
      key: `${m.channel}:${m.id}`,
      address: { channel: m.channel, userId: m.userId, conversationId: m.conversationId },
      trigger,
      reason,
      collected: collectedFrom(options.collected ?? pinned, title),
      at,
      priority: options.priority,
    });
    const place = await desk.place(c, at);
    c.notices.position = place.ahead;
    turn.session.frames = [];
    turn.session.paused = undefined;
    turn.session.handoff = { caseId: c.id, since: at, pinned, toldAt: at };
    turn.afterCommit.push(async () => void (await desk.enqueue(c)));
    turn.replies.push({ kind: 'text', text: c.priority === 'urgent' ? handoffTexts.urgentQueued : handoffTexts.queued(place) });
    return true;
  }

  private async afterHours(turn: Turn, desk: HandoffDesk, team: string, reason: string, pinned: FlowFrame[]): Promise<void> {
    const at = turn.now;
    const hours = desk.deps.hours.describe(team, at);
    const next = desk.deps.hours.nextOpen(team, at);
    if (desk.workOrders && this.deps.flows.latest(MESSAGE_FLOW)) {
      const callback = desk.deps.hours.addWorking(team, next?.start ?? at, desk.config.callback.withinWorkingHours * 3_600_000);
      turn.session.frames = pinned;
      const title = (frame: FlowFrame) => this.deps.flows.get(frame.flowId, frame.version)?.title;
      const collected = collectedFrom(pinned, title).slots;
      await this.start(turn, MESSAGE_FLOW, { hours, callbackBy: formatWhen(callback.at, at, callback.confirmed), callbackAt: callback.at, reason, collected }, pinned.length > 0);
      return;
    }
    turn.session.frames = [];
    turn.replies.push({ kind: 'text', text: handoffTexts.afterHours(hours, next ? formatWhen(next.start, at, next.confirmed) : undefined) });
  }

  /**
   * Stuck at a question: the first time the engine offers help (人工/菜单) and asks again; stuck at
   * the same question again (连续两次未解决), while agents work, a person takes over — the
   * question waits, pinned, for the bot's return.
   */
  private async offerOnStuck(turn: Turn, stuck: { flowId: string; stepId: string }): Promise<void> {
    const desk = this.deps.desk;
    const before = turn.session.stuck;
    turn.session.stuck = stuck;
    if (before?.flowId !== stuck.flowId || before.stepId !== stuck.stepId) return;
    if (!desk || !desk.isOpen(desk.route('stuck').team, turn.now)) return;
    turn.session.stuck = undefined;
    // The engine's own hint and question go; the resident hears they are being connected instead.
    turn.replies.splice(0, turn.replies.length);
    await this.handoff(turn, `stuck at ${stuck.flowId}/${stuck.stepId}`, 'stuck');
  }
}
