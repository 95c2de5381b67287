import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/**
 * WeChat XML in and out. Parsing keeps every value a string (MsgId exceeds 2^53, Content keeps
 * its whitespace and leading zeros), never expands entities, and refuses DTDs outright.
 */

export class WechatXmlError extends Error {
  override name = 'WechatXmlError';
  constructor(
    readonly reason: 'doctype' | 'malformed' | 'shape',
    message: string,
  ) {
    super(`wechat xml: ${message}`);
  }
}

const CDATA = '__cdata';

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  ignoreAttributes: true,
  cdataPropName: CDATA,
});

const builder = new XMLBuilder({ cdataPropName: CDATA, suppressEmptyNode: false });

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric references in non-CDATA text; nothing else. */
function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

function leafValue(node: unknown): string | undefined {
  if (typeof node === 'string') return decodeText(node);
  if (node && typeof node === 'object' && CDATA in node) {
    const value = (node as Record<string, unknown>)[CDATA];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join('');
  }
  return undefined;
}

/**
 * Parses a `<xml>…</xml>` document into its top-level fields, each a string. Nested elements
 * (ScanCodeInfo, SendPicsInfo …) are dropped: nothing we map reads them.
 */
export function parseWechatXml(body: string): Record<string, string> {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new WechatXmlError('doctype', 'DOCTYPE and ENTITY declarations are refused');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new WechatXmlError('malformed', valid.err.msg);
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = doc.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WechatXmlError('shape', 'the document has no <xml> root');
  const fields: Record<string, string> = {};
  for (const [name, node] of Object.entries(root as Record<string, unknown>)) {
    const value = leafValue(node);
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/** The outer envelope of a POST: plain fields, and `Encrypt` in compatible and safe modes. */
export const EnvelopeSchema = z.looseObject({
  ToUserName: z.string().optional(),
  Encrypt: z.string().min(1).optional(),
});

/** An incoming message or event after decryption. Every field stays a string. */
export const IncomingMessageSchema = z.looseObject({
  ToUserName: z.string().min(1),
  FromUserName: z.string().min(1).max(200),
  CreateTime: z.string().regex(/^\d{1,12}$/, 'integer seconds'),
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

const cdata = (value: string) => ({ [CDATA]: value });

/** Builds passive-reply XML; CDATA sections are split around any `]]>` in the content. */
export function buildReplyXml(header: ReplyHeader, body: ReplyBody): string {
  const common = {
    ToUserName: cdata(header.toUser),
    FromUserName: cdata(header.fromUser),
    CreateTime: Math.floor(header.createTime),
  };
  switch (body.kind) {
    case 'text':
      return builder.build({ xml: { ...common, MsgType: cdata('text'), Content: cdata(body.content) } });
    case 'image':
      return builder.build({ xml: { ...common, MsgType: cdata('image'), Image: { MediaId: cdata(body.mediaId) } } });
    case 'news':
      return builder.build({
        xml: {
          ...common,
          MsgType: cdata('news'),
          ArticleCount: body.articles.length,
          Articles: {
            item: body.articles.map((a) => ({
              Title: cdata(a.title),
              Description: cdata(a.description ?? ''),
              PicUrl: cdata(a.picUrl ?? ''),
              Url: cdata(a.url),
            })),
          },
        },
      });
  }
}

/** The safe-mode reply envelope; `msgSignature` is computed over `encrypt`, `timestamp` and `nonce`. */
export function buildEncryptedEnvelope(parts: { encrypt: string; msgSignature: string; timestamp: string; nonce: string }): string {
  return builder.build({
    xml: {
      Encrypt: cdata(parts.encrypt),
      MsgSignature: cdata(parts.msgSignature),
      TimeStamp: parts.timestamp,
      Nonce: cdata(parts.nonce),
    },
  });
}
