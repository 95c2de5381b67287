import { FileBox } from 'file-box';
import type { Contact, Room, Wechaty } from 'wechaty';
import { outboundAsText, type OutboundMessage } from '../../bot/message';
import type { Logger } from '../../bot/logger';

/** Where replies go: a private chat, or a room where the resident is @-mentioned. */
export type WechatyTarget = { kind: 'contact'; contact: Contact } | { kind: 'room'; room: Room; talker: Contact };

async function sayText(target: WechatyTarget, text: string, mention: boolean): Promise<void> {
  if (target.kind === 'contact') await target.contact.say(text);
  else if (mention) await target.room.say(text, target.talker);
  else await target.room.say(text);
}

/**
 * Sends one outbound message. Text and choices go as text (numbered options); an article as a
 * link card, an image as a file from its URL. When the puppet cannot send a card or a file, the
 * plain-text rendering goes instead so the resident still gets the content.
 */
async function sayOne(wechaty: Wechaty, target: WechatyTarget, message: OutboundMessage, mention: boolean, logger: Logger): Promise<void> {
  const say = (sayable: Parameters<Contact['say']>[0]) =>
    target.kind === 'contact' ? target.contact.say(sayable) : target.room.say(sayable);
  let mentionLeft = mention;
  try {
    if (message.kind === 'article') {
      const card = new wechaty.UrlLink({
        title: message.title,
        url: message.url,
        ...(message.description ? { description: message.description } : {}),
        ...(message.picUrl ? { thumbnailUrl: message.picUrl } : {}),
      });
      if (mentionLeft) await sayText(target, message.title, true);
      mentionLeft = false;
      await say(card);
      return;
    }
    if (message.kind === 'image') {
      if (mentionLeft) await sayText(target, message.alt ?? '图片', true);
      mentionLeft = false;
      await say(FileBox.fromUrl(message.url));
      return;
    }
  } catch (err) {
    logger.warn({ err, kind: message.kind }, 'wechaty: puppet could not send a rich message, sending text instead');
  }
  await sayText(target, outboundAsText(message), mentionLeft);
}

/** Sends replies in order; in a room only the first one mentions the resident. */
export async function sayReplies(wechaty: Wechaty, target: WechatyTarget, messages: OutboundMessage[], logger: Logger): Promise<void> {
  let first = true;
  for (const message of messages) {
    await sayOne(wechaty, target, message, target.kind === 'room' && first, logger);
    first = false;
  }
}
