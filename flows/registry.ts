import type { FlowLookup } from './engine';
import type { Flow } from './schema';

/** A flow a trigger selected, with slots the trigger filled. */
export interface TriggerMatch {
  flow: Flow;
  params: Record<string, string>;
}

/**
 * Every loaded version of every flow, and the trigger index of the latest versions.
 * Older versions stay readable so a conversation finishes on the version it started.
 */
export class FlowRegistry implements FlowLookup {
  private readonly versions = new Map<string, Map<number, Flow>>();
  private keywordIndex: { word: string; flow: Flow; phrase: boolean }[] = [];
  private topicIndex: { word: string; flow: Flow }[] = [];
  /** Whole-message phrases (the first flow listing a phrase wins, as in the keyword index). */
  private phraseIndex = new Map<string, Flow>();
  /** The latest version of every flow, rebuilt when flows are added (read on every routed message). */
  private latestFlows: Flow[] = [];

  /** Adds flow versions; the highest version of each id becomes the one new conversations start. */
  add(flows: Iterable<Flow>): void {
    for (const flow of flows) {
      const byVersion = this.versions.get(flow.id) ?? new Map<number, Flow>();
      byVersion.set(flow.version, flow);
      this.versions.set(flow.id, byVersion);
    }
    this.reindex();
  }

  get(flowId: string, version: number): Flow | undefined {
    return this.versions.get(flowId)?.get(version);
  }

  latest(flowId: string): Flow | undefined {
    const byVersion = this.versions.get(flowId);
    if (!byVersion) return undefined;
    return byVersion.get(Math.max(...byVersion.keys()));
  }

  all(): Flow[] {
    return this.latestFlows;
  }

  /** The flow whose phrase equals the whole message (trailing punctuation aside: "辛苦了！"). */
  byPhrase(text: string): Flow | undefined {
    return this.phraseIndex.get(text) ?? this.phraseIndex.get(text.replace(/[。.!！~～,，?？\s]+$/u, ''));
  }

  /**
   * The flow with the longest keyword contained in the message. Phrases do not count: they are
   * whole messages ("你好" starts the menu, "你好，想问下社保卡" is about the card).
   */
  byKeyword(text: string): Flow | undefined {
    return this.keywordIndex.find((k) => !k.phrase && namedUnnegated(text, k.word))?.flow;
  }

  /** The flow with the longest topic word the message names (not negated): a weaker claim than a keyword. */
  byTopic(text: string): Flow | undefined {
    return this.topicIndex.find((k) => namedUnnegated(text, k.word))?.flow;
  }

  byMenuKey(key: string): Flow | undefined {
    return this.all().find((f) => f.triggers.menu.includes(key));
  }

  byIntent(intent: string): Flow | undefined {
    return this.all().find((f) => f.triggers.intents.includes(intent));
  }

  byScene(scene: string): Flow | undefined {
    return this.all().find((f) => f.triggers.scenes.includes(scene));
  }

  byEvent(event: 'subscribe' | 'location'): Flow | undefined {
    return this.all().find((f) => f.triggers.events.includes(event));
  }

  private reindex(): void {
    this.latestFlows = [...this.versions.keys()].flatMap((id) => this.latest(id) ?? []);
    this.keywordIndex = this.latestFlows
      .flatMap((flow) => [
        ...flow.triggers.phrases.map((word) => ({ word, flow, phrase: true })),
        ...flow.triggers.keywords.map((word) => ({ word, flow, phrase: false })),
      ])
      .sort((a, b) => b.word.length - a.word.length);
    this.topicIndex = this.latestFlows.flatMap((flow) => flow.triggers.topics.map((word) => ({ word, flow }))).sort((a, b) => b.word.length - a.word.length);
    this.phraseIndex = new Map();
    for (const k of this.keywordIndex) if (k.phrase && !this.phraseIndex.has(k.word)) this.phraseIndex.set(k.word, k.flow);
  }
}

// "不投诉了", "别举报": a keyword right after a negation is not a request for its flow.
const NEGATED = /(?:不|别|不要|不想|不用|甭)$/u;

/** `word` occurs in `text` at least once not right after a negation. */
function namedUnnegated(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!NEGATED.test(text.slice(Math.max(0, at - 2), at))) return true;
  }
  return false;
}
