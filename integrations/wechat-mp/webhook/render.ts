import { outboundAsText, type OutboundMessage } from '../../../bot/message';
import { DEFAULT_TEXT_LIMIT_BYTES, splitText } from '../split-text';
import type { ReplyBody } from './xml';
import { stripXmlForbidden } from './xml-chars';

/**
 * Brings replies into the shape WeChat can show: text and choices become text (numbered options),
 * split below the byte limit; articles and images pass through. Characters XML forbids are
 * dropped here, so neither the passive reply nor a customer-service message carries one.
 */
export function normalizeReplies(replies: OutboundMessage[], maxBytes: number = DEFAULT_TEXT_LIMIT_BYTES): OutboundMessage[] {
  return replies.flatMap((reply): OutboundMessage[] => {
    switch (reply.kind) {
      case 'text':
      case 'choices':
        return splitText(stripXmlForbidden(outboundAsText(reply)), maxBytes).map((text) => ({ kind: 'text', text }));
      case 'article':
        return [
          {
            ...reply,
            title: stripXmlForbidden(reply.title),
            url: stripXmlForbidden(reply.url),
            ...(reply.description !== undefined ? { description: stripXmlForbidden(reply.description) } : {}),
            ...(reply.picUrl !== undefined ? { picUrl: stripXmlForbidden(reply.picUrl) } : {}),
          },
        ];
      case 'image':
        return [{ ...reply, url: stripXmlForbidden(reply.url), ...(reply.alt !== undefined ? { alt: stripXmlForbidden(reply.alt) } : {}) }];
    }
  });
}

/** The passive-reply body for one normalized message: article → news, image → image or a text link. */
export function replyBodyOf(message: OutboundMessage): ReplyBody {
  switch (message.kind) {
    case 'article':
      return {
        kind: 'news',
        articles: [{ title: message.title, url: message.url, ...(message.description ? { description: message.description } : {}), ...(message.picUrl ? { picUrl: message.picUrl } : {}) }],
      };
    case 'image':
      return message.mediaId ? { kind: 'image', mediaId: message.mediaId } : { kind: 'text', content: outboundAsText(message) };
    case 'text':
    case 'choices':
      return { kind: 'text', content: outboundAsText(message) };
  }
}
