import { z } from 'zod';
import { stripXmlForbidden } from './xml-chars';
import { WechatXmlError } from './xml-reader';

/**
 * WeChat XML in and out. Parsing (xml-reader.ts) keeps every value a string (MsgId exceeds 2^53,
 * Content keeps its whitespace and leading zeros), never expands entities, and refuses DTDs
 * outright; replies are built from string templates.
 */

export { parseWechatXml, WechatXmlError } from './xml-reader';

/** An incoming message or event after decryption. Every field stays a string. */
export const IncomingMessageSchema = z.looseObject({
  ToUserName: z.string().min(1),
  FromUserName: z.string().min(1).max(200),
  /** Integer seconds; 13 digits are milliseconds (some SDKs' test senders), read as such. */
  CreateTime: z.string().regex(/^\d{1,13}$/, 'integer seconds'),
  MsgType: z.string().min(1),
  MsgId: z.string().regex(/^\d{1,20}$/).optional(),
  Content: z.string().optional(),
  PicUrl: z.string().optional(),
  MediaId: z.string().optional(),
  Format: z.string().optional(),
  Recognition: z.string().optional(),
  Location_X: z.string().optional(),
  Location_Y: z.string().optional(),
  Scale: z.string().optional(),
  Label: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  Url: z.string().optional(),
  Event: z.string().optional(),
  EventKey: z.string().optional(),
  Ticket: z.string().optional(),
  FileTotalLen: z.string().optional(),
});
export type IncomingMessage = z.infer<typeof IncomingMessageSchema>;

export function parseIncomingMessage(fields: Record<string, string>): IncomingMessage {
  const parsed = IncomingMessageSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WechatXmlError('shape', `${issue?.path.join('.') ?? 'message'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** A passive reply body, before the common header is added. */
export type ReplyBody =
  | { kind: 'text'; content: string }
  | { kind: 'image'; mediaId: string }
  | { kind: 'news'; articles: { title: string; description?: string; picUrl?: string; url: string }[] };

export interface ReplyHeader {
  /** The resident's OpenID (the incoming FromUserName). */
  toUser: string;
  /** The account's original id (the incoming ToUserName). */
  fromUser: string;
  /** Integer seconds. */
  createTime: number;
}

/** A CDATA section; any `]]>` in the value is split across two sections, characters XML forbids are dropped. */
const cdata = (value: string) => `<![CDATA[${stripXmlForbidden(value).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
/** Plain element text (numbers and digit strings in practice), escaped as the previous builder did. */
const text = (value: string | number) => stripXmlForbidden(String(value)).replace(/[&<>'"]/g, (c) => ESCAPES[c]!);

/**
 * Builds passive-reply XML; CDATA sections are split around any `]]>` in the content, and no
 * character XML forbids gets in (a strict parser accepts every reply).
 */
export function buildReplyXml(header: ReplyHeader, body: ReplyBody): string {
  const common =
    `<xml><ToUserName>${cdata(header.toUser)}</ToUserName><FromUserName>${cdata(header.fromUser)}</FromUserName>` +
    `<CreateTime>${text(Math.floor(header.createTime))}</CreateTime>`;
  switch (body.kind) {
    case 'text':
      return `${common}<MsgType><![CDATA[text]]></MsgType><Content>${cdata(body.content)}</Content></xml>`;
    case 'image':
      return `${common}<MsgType><![CDATA[image]]></MsgType><Image><MediaId>${cdata(body.mediaId)}</MediaId></Image></xml>`;
    case 'news': {
      const items = body.articles.map(
        (a) =>
          `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description ?? '')}</Description>` +
          `<PicUrl>${cdata(a.picUrl ?? '')}</PicUrl><Url>${cdata(a.url)}</Url></item>`,
      );
      return `${common}<MsgType><![CDATA[news]]></MsgType><ArticleCount>${text(body.articles.length)}</ArticleCount><Articles>${items.join('')}</Articles></xml>`;
    }
  }
}

/** The safe-mode reply envelope; `msgSignature` is computed over `encrypt`, `timestamp` and `nonce`. */
export function buildEncryptedEnvelope(parts: { encrypt: string; msgSignature: string; timestamp: string; nonce: string }): string {
  return (
    `<xml><Encrypt>${cdata(parts.encrypt)}</Encrypt><MsgSignature>${cdata(parts.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${text(parts.timestamp)}</TimeStamp><Nonce>${cdata(parts.nonce)}</Nonce></xml>`
  );
}
