import { outboundAsText, type OutboundMessage } from '../../../bot/message';
import { DEFAULT_TEXT_LIMIT_BYTES, splitText } from '../split-text';
import type { ReplyBody } from './xml';

/**
 * Brings replies into the shape WeChat can show: text and choices become text (numbered options),
 * split below the byte limit; articles and images pass through.
 */
export function normalizeReplies(replies: OutboundMessage[], maxBytes: number = DEFAULT_TEXT_LIMIT_BYTES): OutboundMessage[] {
  return replies.flatMap((reply): OutboundMessage[] => {
    if (reply.kind === 'text' || reply.kind === 'choices') {
      return splitText(outboundAsText(reply), maxBytes).map((text) => ({ kind: 'text', text }));
    }
    return [reply];
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
