import { currentQuestion, currentStep } from '../../flows/engine';
import type { FlowRegistry } from '../../flows/registry';
import { pickOption } from '../../flows/slots';
import type { IntentRecognizer } from '../ports';
import { texts } from '../texts';
import type { FlowRunner } from '../flow-runner';
import type { Middleware, Turn } from '../turn';

export interface FlowStageDeps {
  runner: FlowRunner;
  registry: FlowRegistry;
  intents?: IntentRecognizer;
  mainMenuFlow: string;
  /** Intents below this confidence are ignored. */
  minConfidence: number;
}

/**
 * Routes a message to a flow: a menu click or QR scene starts its flow; a running flow gets the
 * answer (unless the whole message is another flow's phrase); otherwise keywords, then intents,
 * pick a flow. Anything left goes on to the fallback.
 */
export function flowStage(deps: FlowStageDeps): Middleware {
  const { runner, registry } = deps;
  return async (turn, next) => {
    const m = turn.message;
    if (m.kind === 'menu') {
      const flow = registry.byMenuKey(m.key);
      if (flow) return runner.start(turn, flow.id);
      turn.log.warn({ key: m.key }, 'menu key without a flow');
      turn.replies.push({ kind: 'text', text: texts.unknownMenu });
      return runner.start(turn, deps.mainMenuFlow);
    }
    if (m.kind === 'subscribe') {
      const flow = (m.scene ? registry.byScene(m.scene) : undefined) ?? registry.byEvent('subscribe');
      return flow ? runner.start(turn, flow.id) : runner.start(turn, deps.mainMenuFlow);
    }
    if (await dropStale(turn)) return;
    const text = turn.text;
    if (turn.session.frames.length) {
      const switchTo = text !== undefined ? registry.byPhrase(text) : undefined;
      if (switchTo?.interrupts && switchTo.id !== turn.session.frames[0]?.flowId) return runner.start(turn, switchTo.id);
      if (text !== undefined && (await switchedFromInterruptible(turn, text))) return;
      if (text !== undefined) return runner.advance(turn, { kind: 'text', text });
      if (m.kind === 'location') return runner.advance(turn, { kind: 'location', latitude: m.latitude, longitude: m.longitude, label: m.label });
      if (m.kind === 'image') return runner.advance(turn, { kind: 'image', url: m.url, mediaId: m.mediaId });
      return next();
    }
    if (m.kind === 'location') {
      const flow = registry.byEvent('location');
      if (flow) return runner.start(turn, flow.id, { location: { latitude: m.latitude, longitude: m.longitude, label: m.label ?? '已发送位置' } });
    }
    if (text === undefined) return next();
    const byPhrase = registry.byPhrase(text);
    if (byPhrase) return runner.start(turn, byPhrase.id);
    if (!(await startFromWords(turn, text))) await next();
  };

  /**
   * A keyword inside the message (the message becomes the flow's query: "我有个建议，…"), else an
   * intent from language understanding, starts a flow. False when neither names one.
   */
  async function startFromWords(turn: Turn, text: string): Promise<boolean> {
    const byKeyword = registry.byKeyword(text);
    if (byKeyword) {
      await runner.start(turn, byKeyword.id, { query: text });
      return true;
    }
    const intent = deps.intents ? await deps.intents.recognize(text) : undefined;
    const byIntent = intent && intent.confidence >= deps.minConfidence ? registry.byIntent(intent.intent) : undefined;
    if (!intent || !byIntent) return false;
    turn.trace.stage = `intent:${intent.intent}`;
    await runner.start(turn, byIntent.id, { ...intent.slots });
    return true;
  }

  /**
   * At an interruptible question (the main menu, "anything else?"), a reply that is not one of
   * the options but names a service starts that service instead of a reprompt.
   */
  async function switchedFromInterruptible(turn: Turn, text: string): Promise<boolean> {
    const step = currentStep(registry, turn.session.frames);
    if (step?.kind !== 'ask' || !step.interruptible) return false;
    if (pickOption(text, step.options ?? optionsAt(turn)) !== undefined) return false;
    return startFromWords(turn, text);
  }

  /** The options the current question shows (for optionsFrom questions). */
  function optionsAt(turn: Turn): { label: string }[] {
    const replies: { kind: string; options?: { label: string }[] }[] = currentQuestion(registry, turn.session.frames, runner.context(turn));
    return replies.find((r) => r.kind === 'choices')?.options ?? [];
  }

  /** A conversation pinned to a flow version that is gone restarts politely, never misreads state. */
  async function dropStale(turn: Turn): Promise<boolean> {
    const stale = runner.staleFrames(turn.session.frames);
    if (!stale.length) return false;
    const root = turn.session.frames[0];
    turn.log.warn({ stale: stale.map((f) => `${f.flowId}@${f.version}`) }, 'dropping state of unloaded flow versions');
    turn.session.frames = [];
    const successor = root ? registry.latest(root.flowId) : undefined;
    turn.replies.push({ kind: 'text', text: successor ? texts.flowUpdated : texts.flowRetired });
    await runner.start(turn, successor ? successor.id : deps.mainMenuFlow);
    return true;
  }
}

/** Nothing understood the message: the fallback flow answers (sorry + what I can do). */
export function fallback(runner: FlowRunner, fallbackFlow: string): Middleware {
  return async (turn) => {
    turn.trace.stage = 'fallback';
    await runner.start(turn, fallbackFlow, { query: turn.text ?? '' });
  };
}
