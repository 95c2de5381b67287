import { currentStep, fillSlots } from '../../flows/engine';
import type { Lexicon } from '../../flows/language/lexicon';
import type { FlowRegistry } from '../../flows/registry';
import { pickOption } from '../../flows/slots';
import { parseYesNo } from '../../flows/slots/choice';
import type { FlowRunner } from '../flow-runner';
import type { ServiceFinder } from '../ports';
import { texts } from '../texts';
import type { Turn } from '../turn';
import type { Middleware } from '../turn';
import { answerText, buildSnapshot } from '../understanding/build-snapshot';
import { checkCommands } from '../understanding/check';
import type { Command, Target } from '../understanding/commands';
import type { OfflineUnderstanding } from '../understanding/offline';
import type { DialogueSnapshot, Understanding } from '../understanding/snapshot';

export interface DialogueDeps {
  runner: FlowRunner;
  registry: FlowRegistry;
  lexicon: Lexicon;
  offline: OfflineUnderstanding;
  /** An LLM reader, asked only when the offline reading is below `llmBelow`. */
  llm?: Understanding;
  llmBelow: number;
  /** Longest wait for the LLM reader (its own deadline is shorter). */
  llmDeadlineMs: number;
  services?: ServiceFinder;
  /** The intent of the flow that tells catalogue services (the guide). */
  serviceIntent: string;
  mainMenuFlow: string;
}

// Beyond this many frames a new request replaces the dialogue instead of stacking on it.
const MAX_STACK = 4;

/**
 * Text in and around a dialogue: the message is read (offline, or by an LLM when the offline
 * reading is unsure), the commands are checked against the conversation, then applied — an
 * answer to the question, slots, a new request on top of the dialogue (which stays resumable),
 * a clarifying question, cancel, a human, small talk. Nothing understood goes on to the fallback.
 */
export function dialogueStage(deps: DialogueDeps): Middleware {
  const { runner, registry, lexicon } = deps;

  return async (turn, next) => {
    const text = turn.text;
    if (text === undefined) return next();
    if (await answeredClarify(turn, text)) return;
    const snapshot = buildSnapshot(text, turn.session.frames, runner.context(turn), { registry, lexicon, services: deps.services });
    let reading = deps.offline.read(snapshot);
    if (deps.llm && reading.confidence < deps.llmBelow) {
      reading = await deps.llm.understand(snapshot, { signal: AbortSignal.timeout(deps.llmDeadlineMs) });
    }
    const commands = checkCommands(reading.commands, snapshot);
    turn.trace.stage = `${reading.source}:${commands.map((c) => c.kind).join('+')}`;
    if (reading.reason) turn.log.info({ reason: reading.reason }, 'understanding fell back to offline');
    for (const command of commands) {
      if (!(await apply(turn, command, snapshot, commands))) return next();
    }
  };

  /** Applies one command; false when nothing could handle the message (the fallback answers). */
  async function apply(turn: Turn, c: Command, s: DialogueSnapshot, all: Command[]): Promise<boolean> {
    const text = turn.text ?? '';
    const inDialogue = turn.session.frames.length > 0;
    switch (c.kind) {
      case 'answer':
        await runner.advance(turn, { kind: 'text', text: c.text ?? answerText(currentStep(registry, turn.session.frames), text, lexicon) });
        return true;
      case 'pick': {
        const option = s.dialogue?.question?.options?.find((o) => o.value === c.option);
        await runner.advance(turn, { kind: 'text', text: option?.label ?? c.option });
        return true;
      }
      case 'set_slot': {
        // All of the message's values at once: the question's own is its answer, the rest are kept.
        if (all.findIndex((x) => x.kind === 'set_slot') !== all.indexOf(c)) return true;
        const values = Object.fromEntries(all.flatMap((x) => (x.kind === 'set_slot' ? [[x.slot, x.value]] : [])));
        const own = s.dialogue?.question?.slot;
        const { [own ?? '']: answer, ...others } = values;
        const filled = fillSlots(registry, turn.session.frames, others, runner.context(turn));
        turn.session.frames = filled.frames;
        if (answer !== undefined) await runner.advance(turn, { kind: 'text', text: answer });
        else if (!all.some((x) => x.kind === 'answer' || x.kind === 'start')) {
          if (filled.filled.length) turn.replies.push({ kind: 'text', text: texts.noted });
          runner.question(turn);
        }
        return true;
      }
      case 'start':
        await start(turn, c.target, c.query);
        return true;
      case 'clarify':
        clarify(turn, c.targets, s, text);
        return true;
      case 'cancel':
        turn.session.frames = [];
        turn.replies.push({ kind: 'text', text: texts.cancelled });
        return true;
      case 'human':
        await runner.handoff(turn, c.reason ?? 'asked for a person', 'asked');
        return true;
      case 'small_talk': {
        const flow = registry.byIntent(`smalltalk.${c.topic}`);
        if (c.topic === 'greeting') {
          if (!inDialogue) await runner.start(turn, deps.mainMenuFlow);
          // At a menu-like question ("请问您想办什么？") the menu was just shown: invite them to say it.
          else if (s.dialogue?.question?.interruptible) turn.replies.push({ kind: 'text', text: texts.greetingAtMenu });
          else {
            turn.replies.push({ kind: 'text', text: texts.greetingInDialogue });
            runner.question(turn);
          }
          return true;
        }
        if (!flow) return false;
        await startOnTop(turn, flow.id, { query: text }, undefined);
        return true;
      }
      case 'cannot_handle':
        if (!inDialogue || !s.dialogue?.question) return false;
        await runner.advance(turn, { kind: 'text', text: answerText(currentStep(registry, turn.session.frames), text, lexicon) });
        return true;
    }
  }

  async function start(turn: Turn, target: Target, query: string | undefined): Promise<void> {
    if ('service' in target) {
      const guide = registry.byIntent(deps.serviceIntent);
      if (guide) await startOnTop(turn, guide.id, { service: target.service, ...(query ? { query } : {}) }, undefined);
      return;
    }
    // A flow started by its phrase reads the phrase for its slots too ("不约了" picks 取消预约 in 我的预约).
    await startOnTop(turn, target.flow, query ? { query } : {}, query ?? turn.text);
  }

  /**
   * Starts a flow where the resident is: on top of a dialogue in progress (it resumes, with a
   * lead-in, when the new one ends), or in place of a menu-like question or the same flow.
   */
  async function startOnTop(turn: Turn, flowId: string, params: Record<string, string>, text: string | undefined): Promise<void> {
    const frames = turn.session.frames;
    const top = frames.at(-1);
    if (!top) return runner.start(turn, flowId, params, false, text);
    const step = currentStep(registry, frames);
    // A menu-like question, or the same flow's own free-text question ("您想办什么事？"), is replaced;
    // a dialogue in progress (even the same flow: 身份证 → 公积金) stays underneath to resume.
    const openQuestion = step?.kind === 'ask' && (step.interruptible || (top.flowId === flowId && step.type === 'text'));
    const replaceTop = openQuestion || frames.length >= MAX_STACK;
    if (replaceTop) turn.session.frames = frames.slice(0, -1);
    else top.interrupted = true;
    await runner.start(turn, flowId, params, turn.session.frames.length > 0, text);
  }

  function labelOf(target: Target, s: DialogueSnapshot): string {
    if ('service' in target) return s.services.find((x) => x.code === target.service)?.name ?? target.service;
    return registry.latest(target.flow)?.title ?? target.flow;
  }

  /** One short question; the answer (a number, words, 是/不) picks what to do. */
  function clarify(turn: Turn, targets: Target[], s: DialogueSnapshot, query: string): void {
    const current = s.dialogue?.flow;
    const others = targets.filter((t) => !current || !('flow' in t) || t.flow !== current.id);
    const first = others[0];
    if (current && first && others.length === 1) {
      // "先不填「意见建议」，改问「住房公积金提取」吗？"
      const other = labelOf(first, s);
      const options = [
        { target: first, label: texts.clarifyGo(other) },
        { target: { flow: current.id }, label: texts.clarifyStay(current.title) },
      ];
      turn.session.clarify = { options, query };
      turn.replies.push({ kind: 'choices', text: texts.clarifySwitch(current.title, other), options: options.map(({ label }) => ({ label })) });
      return;
    }
    const options = others.map((t) => ({ target: t, label: labelOf(t, s) }));
    if (current && others.length < targets.length) options.push({ target: { flow: current.id }, label: texts.clarifyStay(current.title) });
    turn.session.clarify = { options, query };
    turn.replies.push({ kind: 'choices', text: texts.clarifyWhich, options: options.map(({ label }) => ({ label })) });
  }

  /** The reply to a clarifying question: start what it picked, or carry on as usual. */
  async function answeredClarify(turn: Turn, text: string): Promise<boolean> {
    const pending = turn.session.clarify;
    if (!pending) return false;
    turn.session.clarify = undefined;
    const current = turn.session.frames.at(-1)?.flowId;
    const stay = pending.options.findIndex((o) => 'flow' in o.target && o.target.flow === current);
    let index = pickOption(lexicon.stripOpeners(text) || text, pending.options, lexicon);
    if (index === undefined && stay >= 0 && pending.options.length === 2) {
      const yesNo = parseYesNo(lexicon.stripOpeners(text) || text);
      if (yesNo.ok) index = yesNo.value ? 1 - stay : stay;
    }
    const target = index === undefined ? undefined : pending.options[index]?.target;
    if (!target) return false;
    turn.trace.stage = 'clarified';
    if (index === stay) {
      runner.question(turn);
      return true;
    }
    await start(turn, target, pending.query ?? text);
    return true;
  }
}
