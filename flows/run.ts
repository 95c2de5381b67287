import { evaluate } from './conditions';
import { fillFrom } from './fill';
import { newFrame, undoOf } from './frames';
import { loadLexicon, type Lexicon } from './language/lexicon';
import { offeredOptions, optionsOf } from './options';
import { OPTION_TYPES, type AskStep, type ConfirmStep, type Flow, type Step } from './schema';
import { parseSlot, pickOption } from './slots';
import { mentionedOption, parseYesNo, type ChoiceOption } from './slots/choice';
import { lookup, rawPath, renderTemplate } from './template';
import type { EngineContext, EngineInput, EngineOutcome, EngineResult, FlowFrame, FlowReply, Json, Slots } from './types';

/** Read access to loaded flow versions. */
export interface FlowLookup {
  get(flowId: string, version: number): Flow | undefined;
  latest(flowId: string): Flow | undefined;
}

export class FlowRuntimeError extends Error {
  override name = 'FlowRuntimeError';
}

/** How the current question would take a message, without changing anything. */
export interface AnswerProbe {
  /** The question's own parser accepts it (a valid answer). */
  accepts: boolean;
  /** Other slots of the dialogue the message states, when it is not the answer (they would be filled). */
  fills: string[];
}

const MAX_STEPS_PER_TURN = 200;
const MAX_HISTORY = 8;
const STUCK_HELP = '这一步好像不太顺利。需要帮忙可以回复“人工”转人工客服，回复“菜单”回到主菜单；也可以再回答一次：';
const MODIFY_LABEL = '我要修改';
// Typed answers a later message may correct (a name or free text is too easily another answer).
const CORRECTABLE = ['date', 'time', 'phone', 'idNumber'] as const;

/**
 * One call of the engine: the frames, the replies so far and the steps taken. Built per call,
 * never kept (the engine's entry points in engine.ts create it).
 */
export class Run {
  private replies: FlowReply[] = [];
  private stuck: EngineResult['stuck'];
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
    return fillFrom({ flows: this.flows, ctx: this.ctx, lexicon: this.lexicon, offeredOf: (f, s) => this.offeredOf(f, s) }, this.flowOf(frame), frame, text, except);
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
      // What else the message would fill matters to the readers only when it is not the answer.
      return { accepts, fills: !accepts && frame.returnTo === undefined ? this.fillFrom(frame, text, step) : [] };
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
    const before = { ...frame.slots };
    // "不对，日子说错了，是上周五去的": an earlier answer changes, even where free text is asked.
    if (input.kind === 'text' && frame.returnTo === undefined && this.lexicon.isCorrection(input.text)) {
      const corrected = this.correctEarlier(frame, step, input.text, before);
      if (corrected) return corrected;
    }
    const parsed = parseSlot(step, input, this.ctx, this.optionsOf(frame, step), this.lexicon);
    // One message may say more than the question asked: a date with a story, a phone with a name.
    const others = input.kind === 'text' && frame.returnTo === undefined ? this.fillFrom(frame, input.text, step) : [];
    if (parsed.ok) {
      frame.pending = { step: step.id, before };
      frame.slots[step.slot] = parsed.value;
      if (step.saveText && input.kind === 'text') frame.slots[step.saveText] = input.text;
      frame.attempts = 0;
      const returnTo = frame.returnTo;
      frame.returnTo = undefined;
      return this.goto(frame, returnTo ?? this.nextOf(frame, step));
    }
    if (others.length && step.optional) {
      // An optional question answered with something else (a phone at "怎么称呼您？"): skipped.
      frame.pending = { step: step.id, before };
      frame.slots[step.slot] = null;
      return this.goto(frame, frame.returnTo ?? this.nextOf(frame, step));
    }
    if (others.length) {
      // Not the answer, but something the dialogue needs: keep it and ask again, without a strike.
      frame.pending = { step: step.id, before };
      this.say('好的，记下了。');
      this.replies.push(this.askReply(frame, step, step.prompt));
      return this.result({ status: 'waiting' });
    }
    if (step.whenAsked && input.kind === 'text' && this.lexicon.isQuestion(input.text)) {
      // A question of their own ("要多久？"): told when it is answered, then asked again, no strike.
      this.say(renderTemplate(step.whenAsked, this.scope(frame)));
      this.replies.push(this.askReply(frame, step, step.prompt));
      return this.result({ status: 'waiting' });
    }
    frame.attempts += 1;
    if (frame.attempts >= step.maxAttempts) {
      frame.attempts = 0;
      if (step.onMaxAttempts) return this.goto(frame, step.onMaxAttempts);
      // Stuck: say how to get help (人工/菜单 are global commands) and ask once more.
      this.stuck = { flowId: frame.flowId, stepId: step.id };
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
      if (edit) {
        frame.waiting = undefined;
        frame.returnTo = step.refresh ?? step.id;
        frame.stepId = edit.step;
        return this.askNow(frame);
      }
      // "确认提交" after all, "不提交了": the summary's own answer; anything else, the fields again.
      if (pickOption(text, this.confirmOptions(step), this.lexicon) === undefined && !parseYesNo(text).ok) {
        this.replies.push(this.editPick(step));
        return this.result({ status: 'waiting' });
      }
      frame.waiting = undefined;
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
    // "提交" for 确认提交 (also inside 不提交了: without a negation it is the yes).
    const said = text.replace(/[\s。.!！~～,，吧啊呀了]+/gu, '');
    if (picked === undefined && [...said].length >= 2 && step.yesLabel.includes(said) && !/[不别没]/u.test(said)) picked = 0;
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
    // Not an answer ("停水了" at the summary): the choices again, not the whole summary; the second time, how to get help.
    frame.attempts += 1;
    const hint = `请回复“${step.yesLabel}”${edits.length ? `、“${MODIFY_LABEL}”` : ''}或“${step.noLabel}”（也可以回复数字）。`;
    if (frame.attempts >= 2) {
      this.stuck = { flowId: frame.flowId, stepId: step.id };
      this.replies.push({ kind: 'choices', text: `${STUCK_HELP}\n${hint}`, options: this.confirmOptions(step) });
    } else this.replies.push({ kind: 'choices', text: `刚才的内容还没提交。${hint}`, options: this.confirmOptions(step) });
    return this.result({ status: 'waiting' });
  }

  /**
   * "我说错了，是网上办事的问题" at a later question: the earlier choice the words fit gets the new
   * value, and the flow goes on from that question (its branches read the new value; questions
   * answered since are not asked again).
   */
  private correctEarlier(frame: FlowFrame, current: AskStep, text: string, before: Slots): EngineResult | undefined {
    for (const entry of [...frame.history].reverse()) {
      const earlier = this.stepById(frame, entry.step);
      if (earlier.kind !== 'ask' || earlier.id === current.id) continue;
      const fix = this.correctionFor(frame, earlier, text);
      if (!fix || fix.value === frame.slots[earlier.slot]) continue;
      frame.pending = { step: current.id, before };
      frame.slots[earlier.slot] = fix.value;
      this.say(`好的，已改成「${fix.shown}」。`);
      return this.goto(frame, this.nextOf(frame, earlier));
    }
    return undefined;
  }

  /** The new answer a correction gives an earlier question: an option named, or a date, time, phone or ID said. */
  private correctionFor(frame: FlowFrame, earlier: AskStep, text: string): { value: Json; shown: string } | undefined {
    if (earlier.type === 'choice') {
      const options = this.optionsOf(frame, earlier);
      const index = mentionedOption(text, options, this.lexicon);
      const option = index === undefined ? undefined : options[index];
      return option ? { value: option.value ?? option.label, shown: option.label } : undefined;
    }
    if (!(CORRECTABLE as readonly string[]).includes(earlier.type)) return undefined;
    const parsed = parseSlot(earlier, { kind: 'text', text }, this.ctx, [], this.lexicon);
    if (!parsed.ok || parsed.value === null) return undefined;
    const shown = earlier.type === 'date' && typeof parsed.value === 'string' ? renderTemplate('{{d | date: "M月D日"}}', { d: parsed.value }) : String(parsed.value);
    return { value: parsed.value, shown };
  }

  /** Asks the current step even when its slot is filled (an edit). */
  private askNow(frame: FlowFrame): EngineResult {
    frame.attempts = 0;
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
        const params = Object.fromEntries(
          Object.entries(step.with ?? {}).flatMap(([k, v]) => {
            const value = this.value(v, scope);
            return value === null || value === '' ? [] : [[k, value]];
          }),
        );
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
      // Hidden options are understood but not shown (answers to other questions, other wordings).
      const options = offered.flatMap((o) => (o.hidden ? [] : [{ label: o.label, value: o.value ?? o.label }]));
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
    return optionsOf(step, this.scope(frame));
  }

  private offeredOf(frame: FlowFrame, step: AskStep): ChoiceOption[] {
    return offeredOptions(this.optionsOf(frame, step));
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
    return { frames: this.frames, replies: this.replies, outcome, entered: this.entered, ...(this.stuck ? { stuck: this.stuck } : {}) };
  }
}

