import { z } from 'zod';

/**
 * The channel-agnostic message model. Channels convert their own payloads (WeChat XML, Wechaty
 * messages, simulator JSON) into `InboundMessage` at the edge; nothing channel-specific crosses it.
 */

/** Where a message came from; also the first part of every conversation id. */
export const ChannelSchema = z.enum(['wechat-mp', 'wechaty', 'web', 'cli', 'test']);
export type Channel = z.infer<typeof ChannelSchema>;

const inboundBase = {
  /** Channel message id, used for de-duplication (WeChat MsgId, or FromUserName+CreateTime for events). */
  id: z.string().min(1).max(200),
  channel: ChannelSchema,
  /** The resident as the channel knows them (OpenID, Wechaty contact id, simulator user id). */
  userId: z.string().min(1).max(200),
  /** One conversation per resident and channel (and per room for group chats). */
  conversationId: z.string().min(1).max(300),
  /** Epoch milliseconds when the channel received the message. */
  receivedAt: z.number().int().nonnegative(),
};

export const InboundMessageSchema = z.discriminatedUnion('kind', [
  z.object({ ...inboundBase, kind: z.literal('text'), text: z.string() }),
  /** Voice: `recognition` is the platform's speech-to-text when it has one. */
  z.object({ ...inboundBase, kind: z.literal('voice'), recognition: z.string().optional(), mediaId: z.string().optional() }),
  z.object({ ...inboundBase, kind: z.literal('image'), url: z.string().optional(), mediaId: z.string().optional() }),
  z.object({
    ...inboundBase,
    kind: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    label: z.string().optional(),
  }),
  z.object({ ...inboundBase, kind: z.literal('link'), title: z.string(), url: z.string(), description: z.string().optional() }),
  /** A video or short video: nothing reads it yet, so the runtime says what it can take instead. */
  z.object({ ...inboundBase, kind: z.literal('video'), mediaId: z.string().optional() }),
  /** A file (WeChat's 文件 message, a Wechaty attachment), with its name and size when the channel gives them. */
  z.object({ ...inboundBase, kind: z.literal('file'), name: z.string().optional(), sizeBytes: z.number().int().nonnegative().optional() }),
  /** A bottom-menu click (WeChat CLICK event key, simulator menu button). */
  z.object({ ...inboundBase, kind: z.literal('menu'), key: z.string().min(1).max(128) }),
  /** Follow; `scene` is the QR-code scene (without `qrscene_`) when the follow came from a poster. */
  z.object({ ...inboundBase, kind: z.literal('subscribe'), scene: z.string().optional() }),
  z.object({ ...inboundBase, kind: z.literal('unsubscribe') }),
]);
export type InboundMessage = z.infer<typeof InboundMessageSchema>;

export const ChoiceOptionSchema = z.object({
  label: z.string(),
  /** What selecting the option sends back (defaults to its number). */
  value: z.string().optional(),
});
export type ChoiceOption = z.infer<typeof ChoiceOptionSchema>;

export const OutboundMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  /** A question with numbered options: text channels render "1. …", the simulator renders buttons. */
  z.object({ kind: z.literal('choices'), text: z.string(), options: z.array(ChoiceOptionSchema).min(1), hint: z.string().optional() }),
  z.object({ kind: z.literal('image'), url: z.string(), alt: z.string().optional(), mediaId: z.string().optional() }),
  z.object({ kind: z.literal('article'), title: z.string(), description: z.string().optional(), url: z.string(), picUrl: z.string().optional() }),
]);
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;

/** Renders numbered choices as plain text, for channels without buttons (WeChat, Wechaty, CLI). */
export function choicesAsText(message: Extract<OutboundMessage, { kind: 'choices' }>): string {
  const lines = message.options.map((o, i) => `${i + 1}. ${o.label}`);
  return [message.text, ...lines, message.hint ?? '回复数字即可选择'].join('\n');
}

/** Plain-text rendering of any outbound message, for text-only channels. */
export function outboundAsText(message: OutboundMessage): string {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'choices':
      return choicesAsText(message);
    case 'image':
      return message.alt ? `[图片] ${message.alt}\n${message.url}` : `[图片] ${message.url}`;
    case 'article':
      return [`【${message.title}】`, message.description, message.url].filter(Boolean).join('\n');
  }
}
