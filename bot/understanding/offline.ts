import type { Lexicon } from '../../flows/language/lexicon';
import type { FlowRegistry } from '../../flows/registry';
import type { Flow } from '../../flows/schema';
import { contentLength } from '../../flows/slots';
import type { Command, SmallTalkTopic } from './commands';
import { SMALL_TALK_TOPICS } from './commands';
import type { DialogueSnapshot, Reading, Understanding } from './snapshot';

export interface OfflineDeps {
  lexicon: Lexicon;
  registry: FlowRegistry;
  /** The intent of the flow that tells catalogue services (the guide). */
  serviceIntent: string;
}

/** The offline reader: synchronous, so the runtime can use it first and ask an LLM only when unsure. */
export interface OfflineUnderstanding extends Understanding {
  read(snapshot: DialogueSnapshot): Reading;
}

const SMALL_TALK_PREFIX = 'smalltalk.';
// Clauses of a message ("不是，我想问公积金").
const CLAUSES = /[，,。；;！!？?\n]+/u;

/**
 * The offline understanding (no network, no model): the lexicon, the flows' triggers and the
 * catalogue search's evidence, read in this order — a greeting alone; a request for a person; a
 * switch away from the current question; then either an answer to the question (the engine's own
 * parser accepts it), or a new request (a flow's phrase or keyword, a catalogue service), or small
 * talk. Unsure cases ask: a question about another service typed where a free-text answer was
 * expected gets "先不…，改问…吗？". It emits the same commands as the LLM.
 */
export function offlineUnderstanding({ lexicon, registry, serviceIntent }: OfflineDeps): OfflineUnderstanding {
  const serviceFlow = () => registry.byIntent(serviceIntent);

  /** The flow named by its phrase (the whole message: no query) or by a keyword in a sentence. */
  function fromFlow(flow: Flow, text: string, byPhrase: boolean): Command {
    const topic = flow.triggers.intents.find((i) => i.startsWith(SMALL_TALK_PREFIX))?.slice(SMALL_TALK_PREFIX.length);
    if (topic && (SMALL_TALK_TOPICS as readonly string[]).includes(topic)) return { kind: 'small_talk', topic: topic as SmallTalkTopic };
    return byPhrase ? { kind: 'start', target: { flow: flow.id } } : { kind: 'start', target: { flow: flow.id }, query: text };
  }

  /**
   * What the text asks for, if it names something other than the dialogue `current`: a flow by its
   * words, or a catalogue service (told by the guide, so not "other" while in the guide).
   */
  function request(text: string, s: DialogueSnapshot, current?: string): Command | undefined {
    const byPhrase = registry.byPhrase(text);
    if (byPhrase && byPhrase.id !== current) return fromFlow(byPhrase, text, true);
    const byKeyword = registry.byKeyword(text);
    if (byKeyword && byKeyword.id !== current) return fromFlow(byKeyword, text, false);
    const guide = serviceFlow();
    // The guide's own "您想办什么事？" takes services as its answer.
    if (guide && guide.id === current && s.dialogue?.question?.type === 'text') return undefined;
    // Within another dialogue a story that mentions a service ("消防通道被堵") is not asking for it.
    if (current && current !== guide?.id && !s.dialogue?.question?.interruptible && !lexicon.isRequest(text)) return undefined;
    const top = s.services[0];
    if (s.servicesMatch === 'single' && top) return { kind: 'start', target: { service: top.code }, query: text };
    if (s.servicesMatch === 'ambiguous' && guide) return { kind: 'start', target: { flow: guide.id }, query: text };
    return undefined;
  }

  function read(s: DialogueSnapshot): Reading {
    const reading = (commands: Command[], confidence: number): Reading => ({ commands, confidence, source: 'offline' });
    const core = lexicon.stripOpeners(s.text);
    const dialogue = s.dialogue;
    const question = dialogue?.question;
    if (!core) return reading([{ kind: 'small_talk', topic: 'greeting' }], 0.95);
    const phrase = registry.byPhrase(core);
    // A flow's own phrase says exactly what is wanted ("你是真人吗" is the about flow, not a request for one).
    if (phrase && !question?.accepts && phrase.id !== dialogue?.flow.id) return reading([fromFlow(phrase, core, true)], 0.95);
    if (lexicon.asksForHuman(core)) return reading([{ kind: 'human', reason: 'asked for a person in words' }], 0.9);

    if (dialogue) {
      const rest = lexicon.afterSwitch(s.text);
      // A stop the question offers as an answer ("先不约了" at a confirmation) is that answer.
      if (rest === '' && !(question?.accepts && question.options?.length)) return reading([{ kind: 'cancel' }], 0.8);
      if (rest !== undefined) {
        const next = request(rest, s, dialogue.flow.id) ?? request(rest, s);
        if (next) return reading([next], 0.9);
      }
    }

    if (question) {
      const current = dialogue.flow.id;
      // A confirm step is a choice too: "不约了" there is its 先不约了, not 我的预约.
      if (phrase?.interrupts && phrase.id !== current && question.kind === 'ask' && question.type !== 'choice') return reading([fromFlow(phrase, core, true)], 0.9);
      if (question.accepts) {
        // A short question about something else where the resident's own words were asked for: check.
        if (question.type === 'text' && lexicon.isQuestion(core) && contentLength(core) < 40) {
          const other = request(core, s, current);
          if (other?.kind === 'start') return reading([{ kind: 'clarify', targets: [other.target, { flow: current }] }], 0.7);
        }
        // "不是，我想问公积金": the first clause answers, the last asks for something else.
        const clauses = core.split(CLAUSES).filter(Boolean);
        const last = clauses.at(-1);
        if (question.type !== 'text' && clauses.length >= 2 && last && contentLength(last) >= 4) {
          const other = request(last, s, current);
          if (other?.kind === 'start') return reading([{ kind: 'answer', text: clauses[0] }, other], 0.75);
        }
        return reading([{ kind: 'answer' }], question.type === 'text' ? 0.8 : 0.9);
      }
      const other = request(core, s, current);
      if (other) return reading([other], 0.85);
      if (dialogue.fills?.length) return reading([{ kind: 'answer' }], 0.8);
      return reading([{ kind: 'answer' }], 0.5);
    }

    const wanted = request(core, s);
    if (wanted) return reading([wanted], 0.9);
    return reading([{ kind: 'cannot_handle' }], 0.3);
  }

  return {
    read,
    async understand(snapshot) {
      return read(snapshot);
    },
  };
}
