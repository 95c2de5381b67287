import { types, type Message } from 'wechaty';
import { z } from 'zod';
import { InboundMessageSchema, type InboundMessage } from '../../bot/message';

/** The conversation of a resident: one per private chat, and one per resident inside each room. */
export function wechatyConversationId(talkerId: string, roomId?: string): string {
  return roomId === undefined ? `wechaty:${talkerId}` : `wechaty:room:${roomId}:${talkerId}`;
}

/**
 * The room id inside a room conversation id, or undefined for a private chat. Room ids may contain
 * ':' (WeCom puppets use `R:…`), so the talker id is cut off the end instead of splitting.
 */
export function roomIdOf(conversationId: string, talkerId: string): string | undefined {
  const prefix = 'wechaty:room:';
  const suffix = `:${talkerId}`;
  if (!conversationId.startsWith(prefix) || !conversationId.endsWith(suffix)) return undefined;
  const roomId = conversationId.slice(prefix.length, conversationId.length - suffix.length);
  return roomId.length > 0 ? roomId : undefined;
}

/** Removes "@<name>" mentions of the bot (WeChat puts U+2005 or a space after the name). */
export function stripMentions(text: string, names: string[]): string {
  let out = text;
  for (const name of names.filter((n) => n.length > 0)) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`@${escaped}(?:\u2005|\u0020|$)`, 'g'), '');
  }
  return out.trim();
}

/** The fields of a puppet's location payload the runtime uses. */
const PuppetLocationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
});

export interface InboundContext {
  /** Epoch ms when the channel received the message (the channel's Clock). */
  receivedAt: number;
  /** Names the bot goes by in this conversation (its WeChat name and its alias in the room). */
  selfNames: string[];
}

/**
 * Converts a Wechaty message into an `InboundMessage`, validated with zod, so no Wechaty object
 * crosses into the runtime. Returns undefined for message types the runtime does not take
 * (stickers, mini programs …); videos and files are passed on as such (no content read).
 */
export async function toInboundMessage(message: Message, context: InboundContext): Promise<InboundMessage | undefined> {
  const talkerId = message.talker().id;
  const roomId = message.room()?.id;
  const base = {
    id: message.id,
    channel: 'wechaty' as const,
    userId: talkerId,
    conversationId: wechatyConversationId(talkerId, roomId),
    receivedAt: context.receivedAt,
  };
  switch (message.type()) {
    case types.Message.Text: {
      const text = roomId === undefined ? message.text().trim() : stripMentions(message.text(), context.selfNames);
      return InboundMessageSchema.parse({ ...base, kind: 'text', text });
    }
    case types.Message.Audio:
      // Puppets hand over a silk/amr file and no transcript; the runtime asks the resident to type.
      return InboundMessageSchema.parse({ ...base, kind: 'voice' });
    case types.Message.Image:
      return InboundMessageSchema.parse({ ...base, kind: 'image' });
    case types.Message.Location: {
      // wechaty 1.20.2's message.toLocation() always throws ("WUC can not be instantiated directly"),
      // so read the puppet's location payload, as toLocation() would.
      const location = PuppetLocationSchema.parse(await message.wechaty.puppet.messageLocation(message.id));
      const label = location.name || location.address || undefined;
      return InboundMessageSchema.parse({
        ...base,
        kind: 'location',
        latitude: location.latitude,
        longitude: location.longitude,
        ...(label ? { label } : {}),
      });
    }
    case types.Message.Url: {
      const link = await message.toUrlLink();
      const description = link.description();
      return InboundMessageSchema.parse({
        ...base,
        kind: 'link',
        title: link.title(),
        url: link.url(),
        ...(description ? { description } : {}),
      });
    }
    case types.Message.Video:
      return InboundMessageSchema.parse({ ...base, kind: 'video' });
    case types.Message.Attachment: {
      const name = message.payload?.filename?.trim();
      return InboundMessageSchema.parse({ ...base, kind: 'file', ...(name ? { name } : {}) });
    }
    default:
      return undefined;
  }
}
