import type { InboundMessage } from '../message';
import type { Turn } from '../turn';
import { outboundEntries, type HandoffDesk } from './desk';
import { isActive, newEntryId, type TranscriptEntry } from './model';

/** A resident's message as one transcript line (media described; raw text, masked on the way out). */
export function describeInbound(m: InboundMessage): { kind: string; text: string } {
  switch (m.kind) {
    case 'text':
      return { kind: 'text', text: m.text };
    case 'voice':
      return { kind: 'voice', text: m.recognition ? `[语音] ${m.recognition}` : '[语音，未识别]' };
    case 'image':
      return { kind: 'image', text: m.url ? `[图片] ${m.url}` : '[图片]' };
    case 'location':
      return { kind: 'location', text: `[位置] ${m.label ?? ''} (${m.latitude.toFixed(5)}, ${m.longitude.toFixed(5)})`.replace('  ', ' ') };
    case 'link':
      return { kind: 'link', text: `[链接] ${m.title} ${m.url}` };
    case 'video':
      return { kind: 'video', text: '[视频]' };
    case 'file':
      return { kind: 'file', text: `[文件] ${m.name ?? ''}`.trim() };
    case 'menu':
      return { kind: 'menu', text: `[菜单] ${m.key}` };
    case 'subscribe':
      return { kind: 'subscribe', text: '[关注公众号]' };
    case 'unsubscribe':
      return { kind: 'unsubscribe', text: '[取消关注]' };
  }
}

/**
 * After every turn (HUMAN_AGENTS=on): the resident's message and the bot's replies go into the
 * conversation's transcript, so an agent who takes the chat sees what happened before; while
 * people own the chat, consoles see each line live. An emergency in a chat with people raises it
 * to urgent. Erasing the conversation erases its transcript. Never fails the turn.
 */
export async function recordTurn(desk: HandoffDesk, turn: Turn, options: { inbound: boolean }): Promise<void> {
  if (turn.duplicate) return;
  const conversation = turn.message.conversationId;
  try {
    if (turn.forget) {
      await desk.erase(conversation);
      return;
    }
    const caseId = turn.session.handoff?.caseId;
    const c = caseId ? await desk.get(caseId) : undefined;
    const live = c && isActive(c) ? c : undefined;
    const entries: TranscriptEntry[] = [];
    if (options.inbound) entries.push({ id: newEntryId(), at: turn.now, seq: 0, from: 'resident', ...describeInbound(turn.message), ...(live ? { caseId: live.id } : {}) });
    entries.push(...outboundEntries(turn.replies, turn.now, 'bot', entries.length, live?.id));
    await desk.record(conversation, entries, live);
    if (live && turn.effects.some((e) => e.action === 'emergency.redirect')) await desk.apply(live.id, { kind: 'escalate', priority: 'urgent', at: turn.now });
  } catch (err) {
    turn.log.warn({ err }, 'transcript not recorded');
  }
}
