import { evaluate } from './conditions';
import { loadLexicon, type Lexicon } from './language/lexicon';
import { EXTRACTED_BY_DEFAULT, OPTION_TYPES, type AskStep, type ConfirmStep, type Flow, type Step } from './schema';
import { extractSlots, parseSlot, pickOption, type ExtractTarget } from './slots';
import { optionWords, parseYesNo, type ChoiceOption } from './slots/choice';
import { lookup, rawPath, renderTemplate } from './template';
import type { EngineContext, EngineInput, EngineOutcome, EngineResult, FlowFrame, FlowReply, Json, Slots } from './types';

/**
 * The pure flow engine (XState's `transition` is the model): given flow definitions, the
 * conversation's frames and one input, it returns the new frames, the replies and why it
 * stopped. It does no I/O: actions come back as requests that the runtime runs and feeds back.
 */

/** Read access to loaded flow versions. */
export interface FlowLookup {
  get(flowId: string, version: number): Flow | undefined;
  latest(flowId: string): Flow | undefined;
}

export class FlowRuntimeError extends Error {
  override name = 'FlowRuntimeError';
}

const MAX_STEPS_PER_TURN = 200;
const MAX_HISTORY = 8;
const STUCK_HELP = '这一步好像不太顺利。需要帮忙可以回复“人工”转人工客服，回复“菜单”回到主菜单；也可以再回答一次：';
const MODIFY_LABEL = '我要修改';

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

/** How the current question would take a message, without changing anything. */
export interface AnswerProbe {
  /** The question's own parser accepts it (a valid answer). */
  accepts: boolean;
  /** Other slots of the dialogue the message states (they would be filled too). */
  fills: string[];
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

function newFrame(flow: Flow, slots: Slots): FlowFrame {
  const first = flow.start ?? flow.steps[0]?.id ?? '';
  return { flowId: flow.id, version: flow.version, stepId: first, slots: { ...slots }, attempts: 0, history: [] };
}

function copyFrame(f: FlowFrame): FlowFrame {
  return { ...f, slots: { ...f.slots }, history: [...f.history] };
}

/** What changed in `slots` since `before`: previous values to restore, new keys to drop (empty parts omitted). */
function undoOf(before: Slots, slots: Slots): { restore?: Slots; unset?: string[] } {
  let restore: Slots | undefined;
  let unset: string[] | undefined;
  for (const key in slots) {
    if (before[key] === slots[key]) continue;
    if (key in before) (restore ??= {})[key] = before[key] as Json;
    else (unset ??= []).push(key);
  }
  for (const key in before) if (!(key in slots)) (restore ??= {})[key] = before[key] as Json;
  return { ...(restore ? { restore } : {}), ...(unset ? { unset } : {}) };
}

class Run {
  private replies: FlowReply[] = [];
  private steps = 0;
  private readonly lexicon: Lexicon;

  constructor(
    private readonly flows: FlowLookup,
    private frames: FlowFrame[],
    private readonly ctx: EngineContext,
    private readonly entered: string[] = [],
  ) {
    this.lexicon = ctx.lexicon ?? loadLexicon();
  }

  /**
   * Fills every slot of `frame` (and of the flows it calls) that `text` states and that is still
   * empty, except `except` (the question being answered). Returns the names filled here.
   */
  fillFrom(frame: FlowFrame, text: string, except?: AskStep): string[] {
    const flow = this.flowOf(frame);
    const consumed = except?.type === 'choice' ? optionWords(this.offeredOf(frame, except), this.lexicon) : [];
    const local = this.targetsIn(flow, frame, (slot) => frame.slots[slot] === undefined && slot !== except?.slot);
    const filled = Object.entries(extractSlots(text, local, this.ctx, this.lexicon, consumed));
    for (const [slot, value] of filled) frame.slots[slot] = value;
    // Flows this one calls: kept aside until the call, then given to the called flow.
    for (const step of flow.steps) {
      if (step.kind !== 'flow' || !step.return) continue;
      const callee = this.flows.latest(step.flow);
      if (!callee) continue;
      const carried = frame.carry?.[callee.id] ?? {};
      const targets = this.targetsIn(callee, { ...frame, slots: carried }, (slot) => carried[slot] === undefined);
      const found = extractSlots(text, targets, this.ctx, this.lexicon, consumed);
      if (Object.keys(found).length) frame.carry = { ...frame.carry, [callee.id]: { ...carried, ...found } };
    }
    return filled.map(([slot]) => slot);
  }

  private targetsIn(flow: Flow, frame: FlowFrame, open: (slot: string) => boolean): ExtractTarget[] {
    return flow.steps.flatMap((step) =>
      step.kind === 'ask' && (step.extract ?? EXTRACTED_BY_DEFAULT.includes(step.type)) && open(step.slot) ? [{ step, options: step.type === 'choice' ? this.offeredOf(frame, step) : [] }] : [],
    );
  }

  execute(): EngineResult {
    return this.result(this.runUntilInput());
  }

  answer(input: EngineInput): EngineResult {
    const frame = this.top();
    if (!frame) return this.result({ status: 'done' });
    const step = this.step(frame);
    if (input.kind === 'action-result') {
      if (step.kind !== 'action' || frame.waiting !== 'action') throw this.error(frame, 'got an action result while not waiting for one');
      frame.waiting = undefined;
      if (!input.ok) {
        if (step.onError) return this.goto(frame, step.onError);
        this.say('抱歉，系统暂时出了点问题，这一步没有完成。请稍后再试，或回复“人工”联系工作人员。');
        return this.finish(frame);
      }
      if (step.saveAs) frame.slots[step.saveAs] = input.output;
      return this.goto(frame, this.nextOf(frame, step));
    }
    if (step.kind === 'ask') return this.answerAsk(frame, step, input);
    if (step.kind === 'confirm') return this.answerConfirm(frame, step, input);
    // Not waiting for an answer (should not happen): show where we are.
    return this.execute();
  }

  back(): EngineResult {
    const frame = this.top();
    if (!frame) return this.result({ status: 'done' });
    const previous = frame.history.pop();
    if (!previous) {
      this.say('已经是第一步了。');
      this.replies.push(...this.question());
      return this.result({ status: 'waiting' });
    }
    for (const key of previous.unset ?? []) delete frame.slots[key];
    Object.assign(frame.slots, previous.restore);
    frame.attempts = 0;
    frame.waiting = undefined;
    frame.returnTo = undefined;
    frame.stepId = previous.step;
    return this.askNow(frame);
  }

  probe(text: string): AnswerProbe {
    const frame = this.top();
    if (!frame) return { accepts: false, fills: [] };
    const step = this.step(frame);
    const input: EngineInput = { kind: 'text', text };
    if (step.kind === 'ask') {
      const accepts = parseSlot(step, input, this.ctx, this.optionsOf(frame, step), this.lexicon).ok;
      return { accepts, fills: frame.returnTo === undefined ? this.fillFrom(frame, text, step) : [] };
    }
    if (step.kind === 'confirm') {
      const edits = step.edit ?? [];
      const options = frame.waiting === 'edit-pick' ? edits : this.confirmOptions(step);
      const accepts = pickOption(text, options, this.lexicon) !== undefined || (frame.waiting !== 'edit-pick' && parseYesNo(text).ok) || (edits.length > 0 && /改|修改|更正|不对|错/u.test(text));
      return { accepts, fills: [] };
    }
    return { accepts: false, fills: [] };
  }

  fillValues(values: Record<string, string>): { frames: FlowFrame[]; filled: string[] } {
    const frame = this.top();
    if (!frame) return { frames: this.frames, filled: [] };
    const filled: string[] = [];
    for (const step of this.flowOf(frame).steps) {
      const value = step.kind === 'ask' ? values[step.slot] : undefined;
      if (step.kind !== 'ask' || value === undefined) continue;
      const parsed = parseSlot(step, { kind: 'text', text: value }, this.ctx, this.optionsOf(frame, step), this.lexicon);
      if (!parsed.ok) continue;
      frame.slots[step.slot] = parsed.value;
      filled.push(step.slot);
    }
    return { frames: this.frames, filled };
  }

  question(): FlowReply[] {
    const frame = this.top();
    if (!frame) return [];
    const step = this.step(frame);
    if (frame.waiting === 'edit-pick' && step.kind === 'confirm') return [this.editPick(step)];
    if (step.kind === 'ask') return [this.askReply(frame, step, step.prompt)];
    if (step.kind === 'confirm') return [this.confirmReply(frame, step)];
    return [];
  }

  // ── answering ────────────────────────────────────────────────────────────

  private answerAsk(frame: FlowFrame, step: AskStep, input: EngineInput): EngineResult {
    const parsed = parseSlot(step, input, this.ctx, this.optionsOf(frame, step), this.lexicon);
    const before = { ...frame.slots };
    // One message may say more than the question asked: a date with a story, a phone with a name.
    const others = input.kind === 'text' && frame.returnTo === undefined ? this.fillFrom(frame, input.text, step) : [];
    if (parsed.ok) {
      frame.pending = { step: step.id, before };
      frame.slots[step.slot] = parsed.value;
      frame.attempts = 0;
      const returnTo = frame.returnTo;
      frame.returnTo = undefined;
      return this.goto(frame, returnTo ?? this.nextOf(frame, step));
    }
    if (others.length) {
      // Not the answer, but something the dialogue needs: keep it and ask again, without a strike.
      frame.pending = { step: step.id, before };
      this.say('好的，记下了。');
      this.replies.push(this.askReply(frame, step, step.prompt));
      return this.result({ status: 'waiting' });
    }
    frame.attempts += 1;
    if (frame.attempts >= step.maxAttempts) {
      frame.attempts = 0;
      if (step.onMaxAttempts) return this.goto(frame, step.onMaxAttempts);
      // Stuck: say how to get help (人工/菜单 are global commands) and ask once more.
      if (parsed.problem) this.say(parsed.problem);
      this.say(STUCK_HELP);
      this.replies.push(this.askReply(frame, step, step.prompt));
      return this.result({ status: 'waiting' });
    }
    const ladder = step.reprompts ?? [];
    const wording = ladder[Math.min(frame.attempts, ladder.length) - 1] ?? step.prompt;
    if (parsed.problem) this.say(parsed.problem);
    this.replies.push(this.askReply(frame, step, wording));
    return this.result({ status: 'waiting' });
  }

  private answerConfirm(frame: FlowFrame, step: ConfirmStep, input: EngineInput): EngineResult {
    const text = input.kind === 'text' ? input.text : '';
    const edits = step.edit ?? [];
    if (frame.waiting === 'edit-pick') {
      const picked = pickOption(text, edits, this.lexicon);
      const edit = picked === undefined ? undefined : edits[picked];
      if (!edit) {
        this.replies.push(this.editPick(step));
        return this.result({ status: 'waiting' });
      }
      frame.waiting = undefined;
      frame.returnTo = step.refresh ?? step.id;
      frame.stepId = edit.step;
      return this.askNow(frame);
    }
    const options = this.confirmOptions(step);
    // "电话写错了": straight to that field when the message names one.
    const named = edits.length && /改|修改|更正|不对|错|换/u.test(text) ? pickOption(text, edits, this.lexicon) : undefined;
    const field = named === undefined ? undefined : edits[named];
    if (field) {
      frame.returnTo = step.refresh ?? step.id;
      frame.stepId = field.step;
      return this.askNow(frame);
    }
    let picked = pickOption(text, options, this.lexicon);
    // "不对，电话错了" means change something, not throw it all away.
    if (picked === undefined && edits.length && /改|修改|更正|不对|错/u.test(text)) picked = 1;
    if (picked === undefined) {
      const yesNo = parseYesNo(text);
      if (yesNo.ok) picked = yesNo.value ? 0 : options.length - 1;
    }
    if (picked === 0) return this.goto(frame, this.nextOf(frame, step));
    if (picked !== undefined && picked === options.length - 1) {
      if (step.onNo) return this.goto(frame, step.onNo);
      this.say('好的，这次先不提交。需要时随时找我。');
      return this.finish(frame);
    }
    if (picked === 1 && edits.length) {
      const only = edits.length === 1 ? edits[0] : undefined;
      if (only) {
        frame.returnTo = step.refresh ?? step.id;
        frame.stepId = only.step;
        return this.askNow(frame);
      }
      frame.waiting = 'edit-pick';
      this.replies.push(this.editPick(step));
      return this.result({ status: 'waiting' });
    }
    this.say(`请回复“${step.yesLabel}”${edits.length ? `、“${MODIFY_LABEL}”` : ''}或“${step.noLabel}”（也可以回复数字）。`);
    this.replies.push(this.confirmReply(frame, step));
    return this.result({ status: 'waiting' });
  }

  /** Asks the current step even when its slot is filled (an edit). */
  private askNow(frame: FlowFrame): EngineResult {
    const step = this.step(frame);
    if (step.kind !== 'ask') return this.execute();
    this.leadIn(frame);
    this.replies.push(this.askReply(frame, step, step.prompt));
    return this.result({ status: 'waiting' });
  }

  // ── running steps ────────────────────────────────────────────────────────

  private goto(frame: FlowFrame, stepId: string | undefined): EngineResult {
    if (stepId === undefined) return this.finish(frame);
    frame.stepId = stepId;
    frame.attempts = 0;
    return this.execute();
  }

  private runUntilInput(): EngineOutcome {
    for (;;) {
      const frame = this.top();
      if (!frame) return { status: 'done' };
      if (++this.steps > MAX_STEPS_PER_TURN) throw this.error(frame, `more than ${MAX_STEPS_PER_TURN} steps without input (a loop?)`, 'run');
      const step = this.step(frame);
      const outcome = this.enter(frame, step);
      if (outcome) return outcome;
    }
  }

  /** Runs one step; returns an outcome when the turn must stop here. */
  private enter(frame: FlowFrame, step: Step): EngineOutcome | undefined {
    const scope = this.scope(frame);
    switch (step.kind) {
      case 'say':
        for (const t of [step.text ?? []].flat()) this.say(renderTemplate(t, scope));
        if (step.textFrom) {
          const list = lookup(scope, step.textFrom.split('.'));
          for (const t of Array.isArray(list) ? list : [list]) if (typeof t === 'string') this.say(t);
        }
        return this.moveOn(frame, this.nextOf(frame, step));
      case 'ask': {
        const filled = frame.slots[step.slot] !== undefined;
        if (filled && step.skipIfFilled && frame.returnTo === undefined && this.stillValid(frame, step)) return this.moveOn(frame, this.nextOf(frame, step));
        const options = this.offeredOf(frame, step);
        if (step.type === 'choice' && options.length === 0) {
          frame.slots[step.slot] = null;
          return this.moveOn(frame, this.nextOf(frame, step));
        }
        this.leadIn(frame);
        this.replies.push(this.askReply(frame, step, step.prompt));
        return { status: 'waiting' };
      }
      case 'confirm':
        // Back at the summary after an edit: the edit is over.
        frame.returnTo = undefined;
        this.leadIn(frame);
        this.replies.push(this.confirmReply(frame, step));
        return { status: 'waiting' };
      case 'branch': {
        const hit = step.cases.find((c) => evaluate(c.when, scope));
        return this.moveOn(frame, hit ? hit.next : (step.otherwise ?? this.nextOf(frame, step)));
      }
      case 'action': {
        const input = Object.fromEntries(Object.entries(step.input).map(([k, v]) => [k, this.value(v, scope)]));
        frame.waiting = 'action';
        return { status: 'action', request: { action: step.action, input, stepId: step.id, flowId: frame.flowId } };
      }
      case 'flow': {
        const callee = this.flows.latest(step.flow);
        if (!callee) throw this.error(frame, `step "${step.id}": unknown flow "${step.flow}"`);
        // An empty value (the caller does not know it yet) leaves the slot unset: its question is asked.
        const params = Object.fromEntries(Object.entries(step.with ?? {}).flatMap(([k, v]) => {
          const value = this.value(v, scope);
          return value === null || value === '' ? [] : [[k, value]];
        }));
        const carried = frame.carry?.[callee.id];
        if (carried && frame.carry) {
          const { [callee.id]: _given, ...rest } = frame.carry;
          frame.carry = Object.keys(rest).length ? rest : undefined;
        }
        if (!step.return) this.frames.pop();
        this.frames.push(newFrame(callee, { ...carried, ...params }));
        this.entered.push(callee.id);
        return undefined;
      }
      case 'handoff':
        if (step.text) this.say(renderTemplate(step.text, scope));
        this.frames = [];
        return { status: 'handoff', reason: step.reason };
      case 'end':
        for (const t of [step.text ?? []].flat()) this.say(renderTemplate(t, scope));
        this.popFrame();
        return undefined;
    }
  }

  private moveOn(frame: FlowFrame, next: string | undefined): EngineOutcome | undefined {
    if (next === undefined) {
      this.popFrame();
      return undefined;
    }
    frame.stepId = next;
    frame.attempts = 0;
    return undefined;
  }

  private finish(frame: FlowFrame): EngineResult {
    if (this.top() === frame) this.popFrame();
    return this.execute();
  }

  /** Ends the top frame; a calling frame resumes after its flow step. */
  private popFrame(): void {
    const done = this.frames.pop();
    const parent = this.top();
    if (!done || !parent) return;
    const step = this.step(parent);
    if (step.kind !== 'flow') return;
    if (step.saveAs) parent.slots[step.saveAs] = done.slots;
    // A sub-dialogue run as an edit from a confirm step goes back there, not on to the next step.
    const next = parent.returnTo ?? this.nextOf(parent, step);
    if (next === undefined) this.popFrame();
    else parent.stepId = next;
  }

  // ── rendering ────────────────────────────────────────────────────────────

  /**
   * A value given before the question came (from another message, a parameter) must still be one
   * the question offers now: one that is not is read again against the options ("上午" becomes the
   * first morning slot) or dropped with the reason, and the question is asked.
   */
  private stillValid(frame: FlowFrame, step: AskStep): boolean {
    const value = frame.slots[step.slot];
    const all = this.optionsOf(frame, step);
    if (value === null || value === undefined || all.length === 0 || !OPTION_TYPES.includes(step.type)) return true;
    if (all.some((o) => !o.unavailable && (o.value ?? o.label) === value)) return true;
    const parsed = parseSlot(step, { kind: 'text', text: String(value) }, this.ctx, all, this.lexicon);
    if (parsed.ok) {
      frame.slots[step.slot] = parsed.value;
      return true;
    }
    delete frame.slots[step.slot];
    if (parsed.problem) this.say(parsed.problem);
    return false;
  }

  private askReply(frame: FlowFrame, step: AskStep, wording: string): FlowReply {
    const text = renderTemplate(wording, this.scope(frame));
    const offered = OPTION_TYPES.includes(step.type) ? this.offeredOf(frame, step) : [];
    if (step.type === 'choice' || offered.length > 0) {
      const options = offered.map((o) => ({ label: o.label, value: o.value ?? o.label }));
      return { kind: 'choices', text, options };
    }
    if (step.type === 'yesno') return { kind: 'choices', text, options: [{ label: '是' }, { label: '否' }] };
    return { kind: 'text', text };
  }

  private confirmOptions(step: ConfirmStep): { label: string }[] {
    return [{ label: step.yesLabel }, ...(step.edit?.length ? [{ label: MODIFY_LABEL }] : []), { label: step.noLabel }];
  }

  private confirmReply(frame: FlowFrame, step: ConfirmStep): FlowReply {
    return { kind: 'choices', text: renderTemplate(step.summary, this.scope(frame)), options: this.confirmOptions(step) };
  }

  private editPick(step: ConfirmStep): FlowReply {
    return { kind: 'choices', text: '要修改哪一项？', options: (step.edit ?? []).map((e) => ({ label: e.label })) };
  }

  private optionsOf(frame: FlowFrame, step: AskStep): ChoiceOption[] {
    if (step.options) return step.options;
    if (!step.optionsFrom) return [];
    const raw = lookup(this.scope(frame), step.optionsFrom.split('.'));
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((o) => {
      if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.label !== 'string') return [];
      // Options built at run time may carry words that pick them, where they stand (halls), a
      // time option's end, and a reason they cannot be picked (listed only to say it).
      const synonyms = Array.isArray(o.synonyms) ? o.synonyms.filter((w): w is string => typeof w === 'string') : undefined;
      const place = typeof o.latitude === 'number' && typeof o.longitude === 'number' ? { latitude: o.latitude, longitude: o.longitude } : {};
      const end = typeof o.end === 'string' ? { end: o.end } : {};
      const unavailable = typeof o.unavailable === 'string' && o.unavailable ? { unavailable: o.unavailable } : {};
      return [{ label: o.label, value: typeof o.value === 'string' ? o.value : o.label, ...(synonyms?.length ? { synonyms } : {}), ...place, ...end, ...unavailable }];
    });
  }

  /** The options a question offers (those listed as unavailable left out). */
  private offeredOf(frame: FlowFrame, step: AskStep): ChoiceOption[] {
    return this.optionsOf(frame, step).filter((o) => !o.unavailable);
  }

  /** Coming back to a dialogue another one interrupted: say where we are before asking. */
  private leadIn(frame: FlowFrame): void {
    if (!frame.interrupted) return;
    delete frame.interrupted;
    this.say(`好，我们接着办「${this.flowOf(frame).title}」。`);
  }

  // ── helpers ──────────────────────────────────────────────────────────────

  private value(v: string | number | boolean | null, scope: Record<string, Json>): Json {
    if (typeof v !== 'string') return v;
    const path = rawPath(v);
    return path ? (lookup(scope, path) ?? null) : renderTemplate(v, scope);
  }

  private scope(frame: FlowFrame): Record<string, Json> {
    return { ...frame.slots, ...this.ctx.vars };
  }

  private say(text: string): void {
    if (text.trim()) this.replies.push({ kind: 'text', text });
  }

  private top(): FlowFrame | undefined {
    return this.frames.at(-1);
  }

  private flowOf(frame: FlowFrame): Flow {
    const flow = this.flows.get(frame.flowId, frame.version);
    if (!flow) throw new FlowRuntimeError(`advance(): flow ${frame.flowId}@${frame.version} is not loaded`);
    return flow;
  }

  private step(frame: FlowFrame): Step {
    return this.stepById(frame, frame.stepId);
  }

  private stepById(frame: FlowFrame, stepId: string): Step {
    const step = this.flowOf(frame).steps.find((s) => s.id === stepId);
    if (!step) throw this.error(frame, `unknown step "${stepId}"`);
    return step;
  }

  private nextOf(frame: FlowFrame, step: Step): string | undefined {
    if ('next' in step && step.next) return step.next;
    const steps = this.flowOf(frame).steps;
    return steps[steps.indexOf(step) + 1]?.id;
  }

  private error(frame: FlowFrame, message: string, where = 'advance'): FlowRuntimeError {
    return new FlowRuntimeError(`${where}(): ${message} in flow ${frame.flowId}@${frame.version}`);
  }

  private result(outcome: EngineOutcome): EngineResult {
    if (outcome.status !== 'action') {
      // Turn-scoped slots (`_name`) live until the engine waits for the resident, never longer.
      for (const frame of this.frames) for (const key of Object.keys(frame.slots)) if (key.startsWith('_')) delete frame.slots[key];
      // An answer and all it led to (actions included) become one entry for 返回.
      for (const frame of this.frames) {
        if (!frame.pending) continue;
        const entry = { step: frame.pending.step, ...undoOf(frame.pending.before, frame.slots) };
        frame.history = [...frame.history, entry].slice(-MAX_HISTORY);
        delete frame.pending;
      }
    }
    return { frames: this.frames, replies: this.replies, outcome, entered: this.entered };
  }
}

