import type { EmergencyRules } from '../flows/emergency';
import type { FlowRegistry } from '../flows/registry';
import type { Json } from '../flows/types';
import type { Bot, TurnResult } from './bot';
import { FlowRunner, type AnyAction } from './flow-runner';
import type { Logger } from './logger';
import { InboundMessageSchema, type InboundMessage } from './message';
import type { Lexicon } from '../flows/language/lexicon';
import type { Clock, ConversationStore, ServiceFinder } from './ports';
import { newSession } from './session';
import { globalCommands } from './stages/commands';
import { emergency } from './stages/emergency';
import { dialogueStage } from './stages/dialogue';
import { events } from './stages/events';
import { fallback } from './stages/fallback';
import { inputGuard } from './stages/guard';
import { handoffGate } from './stages/handoff-gate';
import { lifecycle } from './stages/lifecycle';
import { media } from './stages/media';
import { resume } from './stages/resume';
import { conversationState } from './stages/state';
import { texts } from './texts';
import { offlineUnderstanding, type OfflineUnderstanding } from './understanding/offline';
import type { Understanding } from './understanding/snapshot';
import { compose, type Turn } from './turn';

export interface BotDeps {
  flows: FlowRegistry;
  actions: ReadonlyMap<string, AnyAction>;
  /** Ports and backends handed to actions. */
  actionContext?: object;
  /** De-duplication, per-conversation order and the session, in one port. */
  conversations: ConversationStore;
  clock: Clock;
  logger: Logger;
  /** The catalogue services a message names (the guide's search). */
  services?: ServiceFinder;
  lexicon: Lexicon;
  /**
   * An LLM reader (integrations/llm) consulted when the offline reading is unsure; built from the
   * offline reader, which it falls back to.
   */
  llm?: (offline: OfflineUnderstanding) => Understanding;
  emergencies: EmergencyRules;
  settings: BotSettings;
}

export interface BotSettings {
  idleMs: number;
  resumeMs: number;
  timeZone: string;
  /** Template variables every flow can read ({{city}}). */
  vars: Record<string, Json>;
  mainMenuFlow: string;
  helpFlow: string;
  fallbackFlow: string;
  /** Human agents answer handed-off chats. */
  humanAgents: boolean;
  /** The LLM is asked when the offline reading's confidence is below this. */
  llmBelow: number;
  /** The longest the turn waits for the LLM reader. */
  llmDeadlineMs: number;
}

export const DEFAULT_SETTINGS: BotSettings = {
  idleMs: 30 * 60_000,
  resumeMs: 24 * 3_600_000,
  timeZone: 'Asia/Shanghai',
  vars: { city: '本市' },
  mainMenuFlow: 'main-menu',
  helpFlow: 'help',
  fallbackFlow: 'fallback',
  humanAgents: false,
  llmBelow: 0.9,
  llmDeadlineMs: 3_000,
};

/** The flow that tells catalogue services declares this intent (the guide). */
export const SERVICE_INTENT = 'service.guide';

/**
 * The turn pipeline: error boundary → de-duplication + per-conversation ordering + session →
 * input guard → emergencies (110/119/120/122) → lifecycle (unfollow, erase) → handoff gate →
 * idle resume → global commands → media nothing reads (photos, links, videos, files outside a flow)
 * → events (menu, follow, location, photo) → dialogue (text read into commands, offline or by an
 * LLM, then applied) → fallback. Replies are buffered on the turn; the channel delivers them.
 */
export function createBot(deps: BotDeps): Bot {
  const s = deps.settings;
  const runner = new FlowRunner({ flows: deps.flows, actions: deps.actions, actionContext: deps.actionContext ?? {}, timeZone: s.timeZone, vars: s.vars, humanAgents: s.humanAgents, lexicon: deps.lexicon });
  const offline = offlineUnderstanding({ lexicon: deps.lexicon, registry: deps.flows, serviceIntent: SERVICE_INTENT, services: deps.services });
  const pipeline = compose([
    conversationState(deps.conversations, Math.ceil(s.resumeMs / 1000)),
    inputGuard(runner),
    emergency(deps.emergencies),
    lifecycle(),
    handoffGate(runner, s.mainMenuFlow),
    resume({ runner, registry: deps.flows, lexicon: deps.lexicon, services: deps.services }, { idleMs: s.idleMs, resumeMs: s.resumeMs }),
    globalCommands(runner, { mainMenu: s.mainMenuFlow, help: s.helpFlow }),
    media(runner),
    events({ runner, registry: deps.flows, mainMenuFlow: s.mainMenuFlow }),
    dialogueStage({
      runner,
      registry: deps.flows,
      lexicon: deps.lexicon,
      offline,
      llm: deps.llm?.(offline),
      llmBelow: s.llmBelow,
      llmDeadlineMs: s.llmDeadlineMs,
      services: deps.services,
      serviceIntent: SERVICE_INTENT,
      mainMenuFlow: s.mainMenuFlow,
    }),
    fallback(runner, s.fallbackFlow),
  ]);

  return {
    async handle(input: InboundMessage): Promise<TurnResult> {
      const started = performance.now();
      const message = InboundMessageSchema.parse(input);
      const now = deps.clock.now();
      const log = deps.logger.child({ msg_id: message.id, conversation: message.conversationId });
      const turn: Turn = { message, now, log, session: newSession(now), forget: false, replies: [], effects: [], entered: [], records: [], trace: {}, duplicate: false };
      let failed = false;
      try {
        await pipeline(turn);
      } catch (error) {
        // Error boundary: the resident gets a polite reply; the session was not written back.
        failed = true;
        log.error({ err: error, flow: turn.trace.flow, step: turn.trace.step }, 'turn failed');
        turn.replies.splice(0, turn.replies.length, { kind: 'text', text: texts.error });
      }
      log.info(
        { channel: message.channel, kind: message.kind, flow: turn.trace.flow, step: turn.trace.step, stage: turn.trace.stage, replies: turn.replies.length, failed, duration_ms: Math.round((performance.now() - started) * 100) / 100 },
        'turn',
      );
      return { replies: turn.replies, effects: turn.effects, duplicate: turn.duplicate, flows: turn.entered };
    },
  };
}
