import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../bot/message';
import { SessionSchema, newSession, rememberReplies, sessionKey, type Session } from '../../../bot/session';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const frame = { flowId: 'booking', version: 1, stepId: 'ask-name', slots: { name: '张三', kid: { age: 8, tags: ['a'] }, none: null }, attempts: 0, history: [] };

describe('SessionSchema', () => {
  it('accepts a new session and a full one', () => {
    expect(SessionSchema.parse(newSession(NOW))).toEqual({ v: 1, frames: [], lastReplies: [], lastActiveAt: NOW });
    const full: Session = {
      ...newSession(NOW),
      frames: [{ ...frame, waiting: 'edit-pick', returnTo: 'check' }],
      paused: { frames: [frame], title: '预约', offered: false },
      lastReplies: [{ kind: 'choices', text: '选哪个？', options: [{ label: '甲' }] }],
      handoff: { caseId: 'habcdefghijkl', since: NOW, pinned: [frame], toldAt: NOW },
    };
    expect(SessionSchema.parse(JSON.parse(JSON.stringify(full)))).toEqual(full);
  });

  it('drops a handoff of the earlier shape (before the desk) but keeps the rest of the session', () => {
    const old = { ...newSession(NOW), frames: [frame], handoff: { since: NOW, reason: 'asked', acknowledged: true } };
    const parsed = SessionSchema.parse(old);
    expect(parsed.handoff).toBeUndefined();
    expect(parsed.frames).toEqual([frame]);
  });

  it.each([
    ['null', null],
    ['a string', 'session'],
    ['another version', { ...newSession(NOW), v: 2 }],
    ['no frames', { v: 1, lastReplies: [], lastActiveAt: NOW }],
    ['a frame with negative attempts', { ...newSession(NOW), frames: [{ ...frame, attempts: -1 }] }],
    ['a frame with an unknown waiting state', { ...newSession(NOW), frames: [{ ...frame, waiting: 'sleeping' }] }],
    ['a slot holding undefined', { ...newSession(NOW), frames: [{ ...frame, slots: { x: undefined } }] }],
    ['nine frames', { ...newSession(NOW), frames: Array.from({ length: 9 }, () => frame) }],
    ['a paused entry without frames', { ...newSession(NOW), paused: { frames: [], title: 't', offered: false } }],
    ['seven remembered replies', { ...newSession(NOW), lastReplies: Array.from({ length: 7 }, () => ({ kind: 'text', text: 'x' })) }],
    ['a reply of an unknown kind', { ...newSession(NOW), lastReplies: [{ kind: 'video', url: 'x' }] }],
  ])('rejects %s', (_label, raw) => {
    expect(SessionSchema.safeParse(raw).success).toBe(false);
  });

  it('sessionKey is the conversation id', () => {
    expect(sessionKey('wechat-mp:o123')).toBe('wechat-mp:o123');
  });
});

describe('rememberReplies', () => {
  const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });

  it('keeps the replies of the turn', () => {
    const session = newSession(NOW);
    rememberReplies(session, [text('一'), text('二')]);
    expect(session.lastReplies).toEqual([text('一'), text('二')]);
  });

  it('a turn without replies keeps the previous ones (再说一遍 still works)', () => {
    const session = newSession(NOW);
    rememberReplies(session, [text('一')]);
    rememberReplies(session, []);
    expect(session.lastReplies).toEqual([text('一')]);
  });

  it('keeps at most the last 6', () => {
    const session = newSession(NOW);
    rememberReplies(session, Array.from({ length: 10 }, (_, i) => text(String(i))));
    expect(session.lastReplies.map((r) => (r.kind === 'text' ? r.text : ''))).toEqual(['4', '5', '6', '7', '8', '9']);
  });

  it('keeps the newest replies within a size budget, so the session stays small and valid', () => {
    const session = newSession(NOW);
    const long = (c: string) => text(c.repeat(900));
    rememberReplies(session, [long('a'), long('b'), long('c')]);
    expect(session.lastReplies.map((r) => (r.kind === 'text' ? r.text[0] : ''))).toEqual(['b', 'c']);
    expect(Buffer.byteLength(JSON.stringify(session.lastReplies))).toBeLessThanOrEqual(2048);
    // The newest reply is kept even when it alone is over the budget (再说一遍 must say something).
    rememberReplies(session, [long('d'), text('答'.repeat(1000))]);
    expect(session.lastReplies).toHaveLength(1);
    expect(SessionSchema.safeParse(session).success).toBe(true);
  });
});
