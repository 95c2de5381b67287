import type { EffectRecord } from '../../../bot/bot';
import { outboundAsText, type OutboundMessage } from '../../../bot/message';

/**
 * What one conversation produced, turn by turn, as plain data: the checks (check.ts) read only
 * this, so they are unit-tested without a bot.
 */
export interface TurnRecord {
  /** What the resident sent, for the transcript ("说：…", "菜单 MENU_HUMAN", "位置 …"). */
  sent: string;
  replies: OutboundMessage[];
  effects: EffectRecord[];
  /** Flows entered or running during the turn. */
  reached: string[];
  /** Where the conversation stands after the turn. */
  state: DialogueState;
}

export interface DialogueState {
  /** The dialogue the resident is in: the top frame, or the caller of a sub-flow (contact) on top. */
  flow: string | null;
  /** That dialogue's slots. */
  slots: Record<string, unknown>;
  /** The guide's working state, when a guide is running or paused. */
  guide?: { code: string; answers: Record<string, unknown> };
}

/** The text of a reply as a resident reads it (choices with their numbered lines). */
export const replyText = outboundAsText;

/** The transcript as text, for the failure report. */
export function formatTranscript(turns: TurnRecord[], indent = '    '): string {
  const lines: string[] = [];
  for (const [i, t] of turns.entries()) {
    lines.push(`${indent}${i + 1}. 居民 ${t.sent}`);
    for (const r of t.replies) lines.push(...replyText(r).split('\n').map((l, j) => `${indent}   ${j === 0 ? '机器人 ' : '       '}${l}`));
    const effects = t.effects.map((e) => (e.action === 'catalog.begin' ? `${e.action}(${String(e.input.code)})` : e.ok ? e.action : `${e.action}(failed)`));
    lines.push(`${indent}   [${t.state.flow ?? 'no dialogue'}${effects.length ? `; ${effects.join(', ')}` : ''}]`);
  }
  return lines.join('\n');
}
