import { currentQuestion, currentStep, probeAnswer } from '../../flows/engine';
import type { Lexicon } from '../../flows/language/lexicon';
import type { FlowRegistry } from '../../flows/registry';
import type { Flow, Step } from '../../flows/schema';
import type { EngineContext, FlowFrame, FlowReply } from '../../flows/types';
import type { ServiceFinder, ServiceMatch } from '../ports';
import type { DialogueSnapshot } from './snapshot';

export interface SnapshotDeps {
  registry: FlowRegistry;
  lexicon: Lexicon;
  services?: ServiceFinder;
}

/** What the engine is given as the answer: a free-text question keeps the resident's whole message. */
export function answerText(step: Step | undefined, text: string, lexicon: Lexicon): string {
  if (step?.kind === 'ask' && step.type === 'text') return text;
  return lexicon.stripOpeners(text) || text;
}

const startableCache = new WeakMap<readonly Flow[], DialogueSnapshot['flows']>();

/** Flows a resident can start by what they say or click (not the fallback, not sub-dialogues). */
function startable(registry: FlowRegistry): DialogueSnapshot['flows'] {
  const all = registry.all();
  let list = startableCache.get(all);
  if (!list) {
    const t = (f: Flow) => f.triggers;
    list = all
      .filter((f) => t(f).phrases.length + t(f).keywords.length + t(f).intents.length + t(f).menu.length > 0)
      .map((f) => ({ id: f.id, title: f.title, ...(f.description ? { description: f.description } : {}) }));
    startableCache.set(all, list);
  }
  return list;
}

/**
 * The snapshot of a turn for the readers: the question the dialogue waits on (as the resident
 * read it, and whether the engine would take the message as its answer), the dialogue's slots,
 * the flows that can be started, and — computed only when a reader looks — the catalogue services
 * the message names.
 */
export function buildSnapshot(text: string, frames: FlowFrame[], ctx: EngineContext, deps: SnapshotDeps): DialogueSnapshot {
  const { registry, lexicon } = deps;
  const top = frames.at(-1);
  const flow = top ? registry.get(top.flowId, top.version) : undefined;
  let dialogue: DialogueSnapshot['dialogue'];
  if (top && flow) {
    const step = currentStep(registry, frames);
    let question: NonNullable<DialogueSnapshot['dialogue']>['question'];
    let fills: string[] | undefined;
    if (step?.kind === 'ask' || step?.kind === 'confirm') {
      const probe = probeAnswer(registry, frames, answerText(step, text, lexicon), ctx);
      fills = probe.fills;
      // The question as the resident read it is rendered only if a reader looks (the LLM does).
      let rendered: FlowReply[] | undefined;
      const replies = () => (rendered ??= currentQuestion(registry, frames, ctx));
      const choices = () => replies().find((r) => r.kind === 'choices');
      const hasOptions = (step.kind === 'ask' && step.type === 'choice') || step.kind === 'confirm' || (step.kind === 'ask' && step.type === 'yesno');
      question = {
        stepId: step.id,
        kind: step.kind,
        ...(step.kind === 'ask' ? { slot: step.slot, type: step.type } : {}),
        get prompt() {
          return replies()
            .map((r) => r.text)
            .join('\n');
        },
        ...(step.kind === 'ask' && step.interruptible ? { interruptible: true } : {}),
        ...(hasOptions
          ? {
              get options() {
                const c = choices();
                return c?.kind === 'choices' ? c.options.map((o) => ({ value: o.value ?? o.label, label: o.label })) : undefined;
              },
            }
          : {}),
        accepts: probe.accepts,
      };
    }
    dialogue = {
      flow: { id: flow.id, title: flow.title },
      ...(question ? { question } : {}),
      get slots() {
        return flow.steps.flatMap((s) => (s.kind === 'ask' ? [{ name: s.slot, type: s.type, filled: top.slots[s.slot] !== undefined, prompt: s.prompt }] : []));
      },
      ...(fills?.length ? { fills } : {}),
    };
  }
  let match: ServiceMatch | undefined;
  const found = () => (match ??= deps.services?.find(lexicon.stripOpeners(text) || text) ?? { kind: 'none', services: [] });
  return {
    text,
    ...(dialogue ? { dialogue } : {}),
    flows: startable(registry),
    get services() {
      return found().services;
    },
    get servicesMatch() {
      return found().kind;
    },
    get servicesNamed() {
      return found().named === true;
    },
  };
}
