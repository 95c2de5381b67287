import type { Lexicon } from '../../flows/language/lexicon';
import type { FlowRegistry } from '../../flows/registry';
import type { Flow } from '../../flows/schema';
import { contentLength } from '../../flows/slots';
import type { Command, SmallTalkTopic } from './commands';
import { SMALL_TALK_TOPICS } from './commands';
import type { ServiceFinder, ServiceMatch } from '../ports';
import type { DialogueSnapshot, Reading, Understanding } from './snapshot';

export interface OfflineDeps {
  lexicon: Lexicon;
  registry: FlowRegistry;
  /** The intent of the flow that tells catalogue services (the guide). */
  serviceIntent: string;
  /** For parts of a message (the request after "先不弄这个了，…", a last clause). */
  services?: ServiceFinder;
}

/** The offline reader: synchronous, so the runtime can use it first and ask an LLM only when unsure. */
export interface OfflineUnderstanding extends Understanding {
  read(snapshot: DialogueSnapshot): Reading;
}

const SMALL_TALK_PREFIX = 'smalltalk.';
// A longer message at a question is a story for the dialogue, not a new request.
const MAX_REQUEST_LENGTH = 60;
// At a menu-like question, longer than an option's words: a request of its own.
const MIN_MENU_REQUEST = 6;
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
export function offlineUnderstanding({ lexicon, registry, serviceIntent, services }: OfflineDeps): OfflineUnderstanding {
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
  function request(text: string, s: DialogueSnapshot, current?: string, named = false, topics = true): Command | undefined {
    const byPhrase = registry.byPhrase(text) ?? phraseOfClauses(text);
    if (byPhrase && byPhrase.id !== current) return fromFlow(byPhrase, text, true);
    const byKeyword = registry.byKeyword(text);
    if (byKeyword && byKeyword.id !== current) return fromFlow(byKeyword, text, false);
    const guide = serviceFlow();
    const question = s.dialogue?.question;
    // The guide's own "您想办什么事？" takes services as its answer.
    if (guide && guide.id === current && question?.type === 'text') return undefined;
    // At a question, a reply that mentions a service ("租的房子住", "卖家离婚了") is not asking for
    // it: only a request ("…怎么办", "我想办…") or a menu-like question starts one.
    if (current && !question?.interruptible && (!lexicon.isRequest(text) || contentLength(text) > MAX_REQUEST_LENGTH)) return undefined;
    const match = matchOf(text, s);
    // Checking before leaving a dialogue needs the thing itself named ("居住证怎么办"), not words alike.
    if (named && !match.named) return undefined;
    const top = match.services[0];
    if (match.kind === 'single' && top) return { kind: 'start', target: { service: top.code }, query: text };
    if (match.kind === 'ambiguous' && guide) return { kind: 'start', target: { flow: guide.id }, query: text };
    // A matter a flow takes ("我家楼下垃圾好几天没人收了" for 12345), where no dialogue needs the words.
    const byTopic = topics && (!current || question?.interruptible) ? registry.byTopic(text) : undefined;
    if (byTopic && byTopic.id !== current && !named) return { kind: 'start', target: { flow: byTopic.id }, query: text };
    return undefined;
  }

  /** The one offered option that the catalogue search finds for the text, when options are services. */
  function serviceAmong(text: string, s: DialogueSnapshot, options: { value: string }[]): string | undefined {
    const offered = new Set(options.map((o) => o.value));
    // A bundle found stands for its items too ("给刚出生的孩子上" finds the newborn bundle, whose 出生登记 is offered).
    const codes = matchOf(text, s).services.flatMap((x) => [x.code, ...(x.members ?? [])]);
    const found = [...new Set(codes.filter((c) => offered.has(c)))];
    return found.length === 1 ? found[0] : undefined;
  }

  /** Every clause is a phrase of the same flow ("谢谢啦，辛苦了"). */
  function phraseOfClauses(text: string): Flow | undefined {
    const clauses = text.split(CLAUSES).filter(Boolean);
    if (clauses.length < 2) return undefined;
    const flows = clauses.map((c) => registry.byPhrase(lexicon.stripOpeners(c) || c));
    return flows.every((f) => f && f === flows[0]) ? flows[0] : undefined;
  }

  /** The services a text names: the snapshot's for the whole message, a search for a part of it. */
  function matchOf(text: string, s: DialogueSnapshot): ServiceMatch {
    if (text === lexicon.stripOpeners(s.text) || !services) return { kind: s.servicesMatch ?? 'none', services: s.services, named: s.servicesNamed };
    return services.find(text);
  }

  function read(s: DialogueSnapshot): Reading {
    const reading = (commands: Command[], confidence: number): Reading => ({ commands, confidence, source: 'offline' });
    const core = lexicon.stripOpeners(s.text);
    const dialogue = s.dialogue;
    const question = dialogue?.question;
    if (!core) return reading([{ kind: 'small_talk', topic: 'greeting' }], 0.95);
    const phrase = registry.byPhrase(core) ?? phraseOfClauses(core);
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
      // At a menu, a request said in full ("预约明天上午换身份证", "查进度 SL6501000018") starts what it
      // asks for with all its words, rather than picking the option its first word names.
      if (question.accepts && question.interruptible && contentLength(core) >= MIN_MENU_REQUEST) {
        // Topics are too weak to outweigh an answer ("不咋地，油烟还是大" rates; it files nothing).
        const asked = request(core, s, current, false, false);
        if (asked?.kind === 'start') return reading([asked], 0.9);
      }
      if (question.accepts) {
        // "您想办什么事？" asks for a request: another flow named by its words starts ("我要投诉").
        if (question.type === 'text' && current === serviceFlow()?.id) {
          const byWords = registry.byKeyword(core);
          if (byWords && byWords.id !== current) return reading([fromFlow(byWords, core, false)], 0.9);
        }
        // A short question about something else where the resident's own words were asked for: check.
        if (question.type === 'text' && lexicon.isQuestion(core) && contentLength(core) < 40) {
          const other = request(core, s, current, true);
          if (other?.kind === 'start') return reading([{ kind: 'clarify', targets: [other.target, { flow: current }] }], 0.7);
        }
        // "不是，我想问公积金": the first clause answers, the last asks for something else.
        const clauses = core.split(CLAUSES).filter(Boolean);
        const last = clauses.at(-1);
        if (question.type !== 'text' && clauses.length >= 2 && last && contentLength(last) >= 4 && lexicon.isRequest(last)) {
          const other = request(last, s, current);
          if (other?.kind === 'start') return reading([{ kind: 'answer', text: clauses[0] }, other], 0.75);
        }
        return reading([{ kind: 'answer' }], question.type === 'text' ? 0.8 : 0.9);
      }
      // Options that are catalogue services are also found by the search ("房子的" for 二手房过户).
      const service = question.type === 'choice' ? serviceAmong(core, s, question.options ?? []) : undefined;
      if (service) return reading([{ kind: 'pick', option: service }], 0.85);
      const other = request(core, s, current);
      if (other) return reading([other], 0.85);
      if (dialogue.fills?.length) return reading([{ kind: 'answer' }], 0.8);
      return reading([{ kind: 'answer' }], 0.5);
    }

    // "我想办居住证，哦不对，我是想问结婚登记": what is asked after the correction.
    const wanted = request(lexicon.afterCorrection(core) ?? core, s) ?? request(core, s);
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
