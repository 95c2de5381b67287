import type { EmergencyRules } from '../flows/emergency';
import type { FlowRegistry } from '../flows/registry';
import type { Json } from '../flows/types';
import { WORKORDER_RATING_FLOW, type Bot, type TurnResult, type WorkOrderNotice } from './bot';
import { FlowRunner, type AnyAction } from './flow-runner';
import type { Logger } from './logger';
import { InboundMessageSchema, type InboundMessage } from './message';
import type { Lexicon } from '../flows/language/lexicon';
import type { Clock, ConversationAddress, ConversationStore, ServiceFinder } from './ports';
import type { HandoffDesk } from './handoff/desk';
import { isActive } from './handoff/model';
import { recordTurn } from './handoff/recorder';
import { takeBack } from './handoff/resume';
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
  /** The human-agent desk (HUMAN_AGENTS=on): the handoff gate's owner, the queue, the transcripts. */
  desk?: HandoffDesk;
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
  llmBelow: 0.9,
  llmDeadlineMs: 3_000,
};

/** The flow that tells catalogue services declares this intent (the guide). */
export const SERVICE_INTENT = 'service.guide';

/**
 * The turn pipeline: error boundary → de-duplication + per-conversation ordering + session →
 * input guard → emergencies (110/119/120/122) → handoff gate (while people own the chat the bot
 * is silent) → lifecycle (unfollow, erase) → idle resume → global commands → media nothing reads
 * (photos, links, videos, files outside a flow) → events (menu, follow, location, photo) →
 * dialogue (text read into commands, offline or by an LLM, then applied) → fallback; with the
 * desk (HUMAN_AGENTS=on) every turn then goes into the conversation's transcript. Replies are
 * buffered on the turn; the channel delivers them.
 */
export function createBot(deps: BotDeps): Bot {
  const s = deps.settings;
  const runner = new FlowRunner({ flows: deps.flows, actions: deps.actions, actionContext: deps.actionContext ?? {}, timeZone: s.timeZone, vars: s.vars, desk: deps.desk, lexicon: deps.lexicon });
  const offline = offlineUnderstanding({ lexicon: deps.lexicon, registry: deps.flows, serviceIntent: SERVICE_INTENT, services: deps.services });
  const state = conversationState(deps.conversations, Math.ceil(s.resumeMs / 1000));
  const pipeline = compose([
    state,
    inputGuard(runner),
    emergency(deps.emergencies, runner),
    handoffGate({ runner, desk: deps.desk, mainMenuFlow: s.mainMenuFlow }),
    lifecycle(),
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

  const newTurn = (message: InboundMessage): Turn => {
    const now = deps.clock.now();
    const log = deps.logger.child({ msg_id: message.id, conversation: message.conversationId });
    return { message, now, log, session: newSession(now), forget: false, replies: [], effects: [], entered: [], records: [], afterCommit: [], trace: {}, duplicate: false };
  };

  /** A turn of the bot's own in a conversation (no resident message): its id makes it happen once. */
  const systemTurn = (to: ConversationAddress, key: string, id: string): Turn =>
    newTurn({ kind: 'menu', key, id, channel: to.channel, userId: to.userId, conversationId: to.conversationId, receivedAt: deps.clock.now() });

  const bot: Bot = {
    async handle(input: InboundMessage): Promise<TurnResult> {
      const started = performance.now();
      const message = InboundMessageSchema.parse(input);
      const turn = newTurn(message);
      const log = turn.log;
      let failed = false;
      try {
        await pipeline(turn);
      } catch (error) {
        // Error boundary: the resident gets a polite reply; the session was not written back.
        failed = true;
        log.error({ err: error, flow: turn.trace.flow, step: turn.trace.step }, 'turn failed');
        turn.replies.splice(0, turn.replies.length, { kind: 'text', text: texts.error });
      }
      if (deps.desk) await recordTurn(deps.desk, turn, { inbound: true });
      log.info(
        { channel: message.channel, kind: message.kind, flow: turn.trace.flow, step: turn.trace.step, stage: turn.trace.stage, replies: turn.replies.length, failed, duration_ms: Math.round((performance.now() - started) * 100) / 100 },
        'turn',
      );
      return { replies: turn.replies, effects: turn.effects, duplicate: turn.duplicate, flows: turn.entered };
    },
  };
  const desk = deps.desk;
  // A closed work order's reply and its rating invitation, in the conversation's turn order, once per notice.
  const workOrderNotice = (notice: WorkOrderNotice) =>
    compose([
      state,
      async (turn) => {
        turn.trace.stage = `workorder-${notice.kind}`;
        turn.replies.push({ kind: 'text', text: notice.text });
        // With an agent in the chat the invitation waits: the resident rates with 评价工单 later.
        if (notice.kind === 'extended' || turn.session.handoff || !runner.flows.latest(WORKORDER_RATING_FLOW)) return;
        const top = turn.session.frames.at(-1);
        if (top) top.interrupted = true;
        await runner.start(turn, WORKORDER_RATING_FLOW, { reference: notice.reference }, turn.session.frames.length > 0);
      },
    ]);
  bot.afterWorkOrder = async (to: ConversationAddress, notice: WorkOrderNotice) => {
    const turn = systemTurn(to, 'SYSTEM_WORKORDER', `sys-${notice.reference}-${notice.kind}`);
    await workOrderNotice(notice)(turn);
    if (turn.duplicate) return [];
    if (desk) await recordTurn(desk, turn, { inbound: false });
    turn.log.info({ channel: to.channel, stage: turn.trace.stage, replies: turn.replies.length }, 'work order notice');
    return turn.replies;
  };
  if (desk) {
    // The bot's side of a human session that ended outside a turn, in the conversation's turn order, once per case.
    const ended = (caseId: string) =>
      compose([
        state,
        async (turn) => {
          if (turn.session.handoff?.caseId !== caseId) return;
          const c = await desk.get(caseId);
          if (c && !isActive(c)) await takeBack(turn, c, runner, desk);
        },
      ]);
    bot.afterHandoff = async (to: ConversationAddress, caseId: string) => {
      const turn = systemTurn(to, 'SYSTEM_HANDOFF_END', `sys-${caseId}-end`);
      await ended(caseId)(turn);
      if (turn.duplicate) return [];
      await recordTurn(desk, turn, { inbound: false });
      turn.log.info({ channel: to.channel, stage: turn.trace.stage, replies: turn.replies.length }, 'handoff ended');
      return turn.replies;
    };
  }
  return bot;
}
