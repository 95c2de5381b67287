import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf, mapIncoming } from '../../../integrations/wechat-mp/webhook/inbound';
import { parseIncomingMessage, parseWechatXml } from '../../../integrations/wechat-mp/webhook/xml';

const load = (name: string) => parseIncomingMessage(parseWechatXml(readFileSync(new URL(`../../fixtures/wechat/${name}`, import.meta.url), 'utf8')));
const turnOf = (name: string) => {
  const mapped = mapIncoming(load(name));
  if (mapped.kind !== 'turn') throw new Error(`expected a turn, got ignore: ${mapped.reason}`);
  return mapped.message;
};

describe('mapIncoming', () => {
  it('text: id = MsgId, channel wechat-mp, userId = OpenID, conversation per OpenID, Content unchanged', () => {
    expect(turnOf('text-leading-zeros.xml')).toEqual({
      kind: 'text',
      id: '6054768590064713728',
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
    expect(turnOf('event-subscribe.xml')).toMatchObject({ kind: 'subscribe', id: 'ev:FromUser:123456789:subscribe:' });
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
    const msg = parseIncomingMessage({ ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1', MsgType: 'shortvideo', MsgId: '1' });
    expect(mapIncoming(msg)).toMatchObject({ kind: 'ignore', dedupeKey: '1' });
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
