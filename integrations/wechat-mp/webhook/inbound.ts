import { createHash } from 'node:crypto';
import { InboundMessageSchema, type InboundMessage } from '../../../bot/message';
import type { IncomingMessage } from './xml';

/** What the webhook does with one incoming message: run a bot turn, or just answer `success`. */
export type MappedMessage =
  | { kind: 'turn'; message: InboundMessage }
  | { kind: 'ignore'; reason: string; dedupeKey: string };

const CHANNEL = 'wechat-mp';

/** Keys longer than the message-id limit (a VIEW URL in EventKey) are hashed, never truncated. */
function boundedKey(key: string): string {
  return key.length <= 200 ? key : `h:${createHash('sha1').update(key).digest('hex')}`;
}

/**
 * A stand-in for the OpenID in keys and message ids: the same resident always gets the same
 * tag, and ids (which reach logs) carry no OpenID. 96 bits: nobody finds another OpenID with
 * a given tag.
 */
export function openidTag(openid: string): string {
  return createHash('sha256').update(openid).digest('hex').slice(0, 24);
}

/**
 * The dedupe key, always scoped to the resident: MsgId + OpenID for ordinary messages (a MsgId
 * under someone else's OpenID is another message and never sees this one's replies); OpenID +
 * CreateTime + Event (+ EventKey) for events, as the platform advises (one user can trigger two
 * events in the same second).
 */
export function dedupeKeyOf(msg: IncomingMessage): string {
  const tag = openidTag(msg.FromUserName);
  if (msg.MsgId) return `${msg.MsgId}:${tag}`;
  return boundedKey(['ev', tag, msg.CreateTime, msg.Event ?? msg.MsgType, msg.EventKey ?? ''].join(':'));
}

/** CreateTime in epoch ms: seconds as the platform sends them, 13 digits taken as milliseconds. */
function receivedAtOf(createTime: string): number {
  return createTime.length >= 13 ? Number(createTime) : Number(createTime) * 1000;
}

function parseCoordinate(value: string | undefined, limit: number): number | undefined {
  if (value === undefined || !/^-?\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Math.abs(n) <= limit ? n : undefined;
}

/**
 * Maps a validated WeChat message to the bot's InboundMessage. SCAN (an existing follower scans
 * a parametrised QR code) becomes `subscribe` with its scene, like a follow from the same poster:
 * the scene is what the bot acts on, and a menu key would collide with real menu keys.
 */
export function mapIncoming(msg: IncomingMessage): MappedMessage {
  const id = dedupeKeyOf(msg);
  const base = {
    id,
    channel: CHANNEL,
    userId: msg.FromUserName,
    conversationId: `${CHANNEL}:${msg.FromUserName}`,
    receivedAt: receivedAtOf(msg.CreateTime),
  } as const;
  const ignore = (reason: string): MappedMessage => ({ kind: 'ignore', reason, dedupeKey: id });
  const turn = (message: InboundMessage): MappedMessage => {
    const parsed = InboundMessageSchema.safeParse(message);
    return parsed.success ? { kind: 'turn', message: parsed.data } : ignore(`invalid ${message.kind}: ${parsed.error.issues[0]?.message}`);
  };

  switch (msg.MsgType) {
    case 'text':
      return turn({ ...base, kind: 'text', text: msg.Content ?? '' });
    case 'voice': {
      // Without Recognition the runtime asks kindly for text; an empty recognition counts as absent.
      const recognition = msg.Recognition?.trim() ? msg.Recognition : undefined;
      return turn({ ...base, kind: 'voice', ...(recognition ? { recognition } : {}), ...(msg.MediaId ? { mediaId: msg.MediaId } : {}) });
    }
    case 'image':
      return turn({ ...base, kind: 'image', ...(msg.PicUrl ? { url: msg.PicUrl } : {}), ...(msg.MediaId ? { mediaId: msg.MediaId } : {}) });
    case 'location': {
      const latitude = parseCoordinate(msg.Location_X, 90);
      const longitude = parseCoordinate(msg.Location_Y, 180);
      if (latitude === undefined || longitude === undefined) return ignore('location without valid coordinates');
      return turn({ ...base, kind: 'location', latitude, longitude, ...(msg.Label ? { label: msg.Label } : {}) });
    }
    case 'link':
      if (!msg.Url) return ignore('link without Url');
      return turn({ ...base, kind: 'link', title: msg.Title ?? '', url: msg.Url, ...(msg.Description ? { description: msg.Description } : {}) });
    case 'video':
    case 'shortvideo':
      return turn({ ...base, kind: 'video', ...(msg.MediaId ? { mediaId: msg.MediaId } : {}) });
    case 'file': {
      const size = msg.FileTotalLen && /^\d{1,15}$/.test(msg.FileTotalLen) ? Number(msg.FileTotalLen) : undefined;
      return turn({ ...base, kind: 'file', ...(msg.Title ? { name: msg.Title } : {}), ...(size !== undefined ? { sizeBytes: size } : {}) });
    }
    case 'event':
      return mapEvent(msg, base, turn, ignore);
    default:
      return ignore(`unsupported MsgType ${msg.MsgType}`);
  }
}

type Base = Pick<InboundMessage, 'id' | 'channel' | 'userId' | 'conversationId' | 'receivedAt'>;

function mapEvent(
  msg: IncomingMessage,
  base: Base,
  turn: (m: InboundMessage) => MappedMessage,
  ignore: (reason: string) => MappedMessage,
): MappedMessage {
  const key = msg.EventKey?.trim() ?? '';
  switch (msg.Event) {
    case 'subscribe': {
      const scene = key.startsWith('qrscene_') ? key.slice('qrscene_'.length) : '';
      return turn({ ...base, kind: 'subscribe', ...(scene ? { scene } : {}) });
    }
    case 'SCAN':
      return turn({ ...base, kind: 'subscribe', ...(key ? { scene: key } : {}) });
    case 'unsubscribe':
      return turn({ ...base, kind: 'unsubscribe' });
    case 'CLICK':
      if (!key) return ignore('CLICK without EventKey');
      return turn({ ...base, kind: 'menu', key });
    default:
      // VIEW, LOCATION, TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH, … are not conversation turns.
      return ignore(`event ${msg.Event ?? '(none)'} is not a turn`);
  }
}
