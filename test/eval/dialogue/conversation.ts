import { ManualClock } from '../../../bot/clock';
import { composeBot, type ComposeOptions, type Composed } from '../../../bot/compose';
import { silentLogger } from '../../../bot/logger';
import type { InboundMessage } from '../../../bot/message';
import { sessionKey } from '../../../bot/session';
import type { FlowFrame } from '../../../flows/types';
import type { Known } from './known';
import { durationMs, type EvalCase, type EvalFile, type EvalTurn } from './schema';
import type { DialogueState, TurnRecord } from './transcript';

/**
 * Runs evaluation conversations through the real bot, composed as the conversation tests do
 * (`composeBot` with memory state, a manual clock, a silent logger), and records each turn.
 */
export interface HarnessOptions {
  /**
   * composeBot options laid over the defaults for every file: the hook through which the bot's
   * understanding is swapped (an LLM `Understanding`, recorded fixtures, another `intents`).
   */
  compose?: (file: EvalFile) => Partial<ComposeOptions> | Promise<Partial<ComposeOptions>>;
}

export interface EvalBot {
  composed: Composed;
  clock: ManualClock;
  start: number;
  /** The flows and catalogue the cases refer to. */
  known: Known;
}

export async function createEvalBot(file: EvalFile, known: Known, options: HarnessOptions = {}): Promise<EvalBot> {
  const start = Date.parse(file.clock);
  const clock = new ManualClock(start);
  const extra = (await options.compose?.(file)) ?? {};
  const composed = await composeBot({ env: { ...file.env }, clock, logger: silentLogger(), ...extra });
  return { composed, clock, start, known };
}

let conversations = 0;

/** Plays a case's turns, recording what each produced. Each case is a new resident, starting at the file's clock. */
export async function runConversation(bot: EvalBot, c: EvalCase): Promise<TurnRecord[]> {
  const user = `eval-${++conversations}`;
  const conversationId = `test:${user}`;
  bot.clock.set(bot.start);
  const records: TurnRecord[] = [];
  for (const [i, turn] of c.turns.entries()) {
    bot.clock.advance(turn.after ? durationMs(turn.after) : 1000);
    const base = { id: `${user}-${i + 1}`, channel: 'test' as const, userId: user, conversationId, receivedAt: bot.clock.now() };
    const result = await bot.composed.bot.handle(inbound(turn, base));
    const session = (await bot.composed.stores.sessions.get(sessionKey(conversationId))) as SessionLike | undefined;
    const frames = session?.frames ?? [];
    // Flows the turn went into (the bot reports them), and those the resident is still in.
    const reached = new Set([...(result.flows ?? []), ...[...frames, ...(session?.paused?.frames ?? [])].map((f) => f.flowId)]);
    records.push({ sent: describe(turn), replies: result.replies, effects: result.effects, reached: [...reached], state: stateOf(bot.known, frames, session?.paused?.frames ?? []) });
  }
  return records;
}

/** The parts of a stored session the evaluation reads (other fields may come and go). */
interface SessionLike {
  frames?: FlowFrame[];
  paused?: { frames?: FlowFrame[] };
}

/** The dialogue the resident is in: the top frame, unless it was called by the frame below (a sub-flow such as contact). */
export function stateOf(known: Known, frames: FlowFrame[], paused: FlowFrame[] = []): DialogueState {
  let i = frames.length - 1;
  while (i > 0) {
    const below = frames[i - 1] as FlowFrame;
    const step = known.flows.get(below.flowId)?.steps.find((s) => s.id === below.stepId);
    if (step?.kind !== 'flow') break;
    i--;
  }
  const active = frames[i];
  const guideFrame = [...frames].reverse().concat([...paused].reverse()).find((f) => isGuide(f.slots.guide));
  const guide = guideFrame?.slots.guide as { code: string; answers: Record<string, unknown> } | undefined;
  return { flow: active?.flowId ?? null, slots: active?.slots ?? {}, ...(guide ? { guide: { code: guide.code, answers: guide.answers ?? {} } } : {}) };
}

const isGuide = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as { code?: unknown }).code === 'string';

type Base = Pick<InboundMessage, 'id' | 'channel' | 'userId' | 'conversationId' | 'receivedAt'>;

function inbound(turn: EvalTurn, base: Base): InboundMessage {
  if (turn.say !== undefined) return { ...base, kind: 'text', text: turn.repeat ? turn.say.repeat(turn.repeat) : turn.say };
  if (turn.menu !== undefined) return { ...base, kind: 'menu', key: turn.menu };
  if (turn.location) return { ...base, kind: 'location', ...turn.location };
  if (turn.image !== undefined) return { ...base, kind: 'image', url: turn.image };
  if (turn.voice !== undefined) return { ...base, kind: 'voice', recognition: turn.voice ?? undefined };
  if (turn.subscribe !== undefined) return { ...base, kind: 'subscribe', scene: turn.subscribe === true ? undefined : turn.subscribe };
  return { ...base, kind: 'unsubscribe' };
}

function describe(turn: EvalTurn): string {
  const after = turn.after ? `（${turn.after}后）` : '';
  if (turn.say !== undefined) return `${after}说：${turn.repeat ? `${turn.say.slice(0, 20)}…×${turn.repeat}（${turn.say.length * turn.repeat}字）` : turn.say}`;
  if (turn.menu !== undefined) return `${after}点菜单 ${turn.menu}`;
  if (turn.location) return `${after}发位置 ${turn.location.label ?? `${turn.location.latitude},${turn.location.longitude}`}`;
  if (turn.image !== undefined) return `${after}发图片`;
  if (turn.voice !== undefined) return `${after}发语音：${turn.voice ?? '（没识别出来）'}`;
  if (turn.subscribe !== undefined) return `${after}关注${turn.subscribe === true ? '' : `（场景 ${turn.subscribe}）`}`;
  return `${after}取消关注`;
}
