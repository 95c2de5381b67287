import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf, mapIncoming, openidTag } from '../../../integrations/wechat-mp/webhook/inbound';
import { parseIncomingMessage, parseWechatXml } from '../../../integrations/wechat-mp/webhook/xml';

const load = (name: string) => parseIncomingMessage(parseWechatXml(readFileSync(new URL(`../../fixtures/wechat/${name}`, import.meta.url), 'utf8')));
const turnOf = (name: string) => {
  const mapped = mapIncoming(load(name));
  if (mapped.kind !== 'turn') throw new Error(`expected a turn, got ignore: ${mapped.reason}`);
  return mapped.message;
};

describe('mapIncoming', () => {
  it('text: id = MsgId scoped by the OpenID tag, channel wechat-mp, userId = OpenID, conversation per OpenID, Content unchanged', () => {
    expect(turnOf('text-leading-zeros.xml')).toEqual({
      kind: 'text',
      id: `6054768590064713728:${openidTag('oResident0001')}`,
      channel: 'wechat-mp',
      userId: 'oResident0001',
      conversationId: 'wechat-mp:oResident0001',
      receivedAt: 1767574800000,
      text: ' 00123 ',
    });
  });

  it('voice with Recognition carries it; without it the kind stays voice and recognition is absent', () => {
    expect(turnOf('voice-recognition.xml')).toMatchObject({ kind: 'voice', recognition: '腾讯微信团队', mediaId: 'media_id' });
    const plain = turnOf('voice-plain.xml');
    expect(plain.kind).toBe('voice');
    expect(plain).not.toHaveProperty('recognition');
  });

  it('image keeps PicUrl and MediaId', () => {
    expect(turnOf('image.xml')).toMatchObject({ kind: 'image', url: 'http://mmbiz.qpic.cn/example.jpg', mediaId: 'media_id' });
  });

  it('location: Location_X is latitude, Location_Y longitude, Label kept', () => {
    expect(turnOf('location.xml')).toMatchObject({ kind: 'location', latitude: 23.134521, longitude: 113.358803, label: '位置信息' });
  });

  it('link keeps title, url and description', () => {
    expect(turnOf('link.xml')).toMatchObject({ kind: 'link', title: '公积金提取指南', url: 'https://example.gov.cn/gjj', description: '办事指南' });
  });

  it('subscribe: plain, and with qrscene_ stripped to the scene', () => {
    expect(turnOf('event-subscribe.xml')).toMatchObject({ kind: 'subscribe', id: `ev:${openidTag('FromUser')}:123456789:subscribe:` });
    expect(turnOf('event-subscribe.xml')).not.toHaveProperty('scene');
    expect(turnOf('event-subscribe-qrscene.xml')).toMatchObject({ kind: 'subscribe', scene: 'hall_3f' });
  });

  it('SCAN by an existing follower becomes subscribe with the scene (no prefix to strip)', () => {
    expect(turnOf('event-scan.xml')).toMatchObject({ kind: 'subscribe', scene: 'SCENE_VALUE' });
  });

  it('unsubscribe and CLICK → unsubscribe and menu key', () => {
    expect(turnOf('event-unsubscribe.xml').kind).toBe('unsubscribe');
    expect(turnOf('event-click.xml')).toMatchObject({ kind: 'menu', key: 'MENU_PROGRESS' });
  });

  it.each(['event-view.xml', 'event-location.xml', 'event-templatesendjobfinish.xml'])('%s is not a turn', (name) => {
    expect(mapIncoming(load(name)).kind).toBe('ignore');
  });

  it('unknown message types are not turns', () => {
    const msg = parseIncomingMessage({ ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1', MsgType: 'miniprogrampage', MsgId: '1' });
    expect(mapIncoming(msg)).toMatchObject({ kind: 'ignore', dedupeKey: `1:${openidTag('o1')}` });
  });

  it('video and short video → video; file → file with its name and size', () => {
    const base = { ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1', MsgId: '3' };
    expect(mapIncoming(parseIncomingMessage({ ...base, MsgType: 'video', MediaId: 'm1', ThumbMediaId: 't' }))).toMatchObject({ kind: 'turn', message: { kind: 'video', mediaId: 'm1' } });
    expect(mapIncoming(parseIncomingMessage({ ...base, MsgType: 'shortvideo', MediaId: 'm2' }))).toMatchObject({ kind: 'turn', message: { kind: 'video', mediaId: 'm2' } });
    expect(mapIncoming(parseIncomingMessage({ ...base, MsgType: 'file', Title: 'test.zip', FileTotalLen: '222' }))).toMatchObject({ kind: 'turn', message: { kind: 'file', name: 'test.zip', sizeBytes: 222 } });
  });

  it('the same MsgId under two OpenIDs is two messages; and the id carries no OpenID', () => {
    const base = { ToUserName: 'gh', CreateTime: '1', MsgType: 'text', MsgId: '42', Content: 'x' };
    const a = dedupeKeyOf(parseIncomingMessage({ ...base, FromUserName: 'oVictim' }));
    const b = dedupeKeyOf(parseIncomingMessage({ ...base, FromUserName: 'oOther' }));
    expect(a).not.toBe(b);
    expect(a).toBe(`42:${openidTag('oVictim')}`);
    expect(a).not.toContain('oVictim');
  });

  it('a 13-digit CreateTime (milliseconds, as some SDKs send) is read as milliseconds', () => {
    const msg = parseIncomingMessage({ ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1412313706000', MsgType: 'text', Content: 'x' });
    expect(mapIncoming(msg)).toMatchObject({ kind: 'turn', message: { receivedAt: 1412313706000 } });
  });

  it('a location with out-of-range coordinates is not a turn', () => {
    const msg = parseIncomingMessage({ ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1', MsgType: 'location', MsgId: '2', Location_X: '123', Location_Y: '1' });
    expect(mapIncoming(msg).kind).toBe('ignore');
  });

  it('event dedupe keys include Event and EventKey, so two events in one second differ', () => {
    const a = dedupeKeyOf(load('event-subscribe.xml'));
    const b = dedupeKeyOf({ ...load('event-subscribe.xml'), Event: 'LOCATION' });
    expect(a).not.toBe(b);
    const long = dedupeKeyOf({ ...load('event-view.xml'), EventKey: `https://x.gov.cn/${'a'.repeat(300)}` });
    expect(long.length).toBeLessThanOrEqual(200);
  });
});
