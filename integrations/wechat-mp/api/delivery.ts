import { outboundAsText, type OutboundMessage } from '../../../bot/message';
import type { ChannelDelivery, ChannelReach, ConversationAddress, Notice } from '../../../bot/ports';
import type { CustomMessage } from './bodies';
import type { HeldMessages } from './held';
import { notificationText, type Notification } from './notification';
import type { OutboundQueue } from './queue';
import { splitText } from '../split-text';
import type { CustomerServiceWindow, InboundTrigger } from './window';

function textItems(text: string): CustomMessage[] {
  return splitText(text).map((content) => ({ msgtype: 'text', text: { content } }));
}

/** An outbound message as customer-service messages: text (split below 2048 bytes), image by media id, one-article news. */
export function renderOutbound(message: OutboundMessage): CustomMessage[] {
  switch (message.kind) {
    case 'article':
      return [
        {
          msgtype: 'news',
          news: { articles: [{ title: message.title, description: message.description, url: message.url, ...(message.picUrl ? { picurl: message.picUrl } : {}) }] },
        },
      ];
    case 'image':
      // Only uploaded media can be sent as an image; a bare URL goes as text.
      return message.mediaId ? [{ msgtype: 'image', image: { media_id: message.mediaId } }] : textItems(outboundAsText(message));
    case 'text':
    case 'choices':
      return textItems(outboundAsText(message));
  }
}

/**
 * Channel delivery for the official account: renders and enqueues; the queue sends with retries.
 * The webhook (or composition root) calls `noteInbound` for every resident message and event so
 * the 48 h window is known and held messages go out once it reopens.
 */
export class WechatDelivery implements ChannelDelivery {
  readonly #queue: OutboundQueue;
  readonly #window: CustomerServiceWindow;
  readonly #held: HeldMessages;
  readonly #workOrderTemplate: boolean;

  constructor(options: { queue: OutboundQueue; window: CustomerServiceWindow; held: HeldMessages; workOrderTemplate?: boolean }) {
    this.#queue = options.queue;
    this.#window = options.window;
    this.#held = options.held;
    this.#workOrderTemplate = options.workOrderTemplate ?? false;
  }

  /**
   * Within the 48 h window: how many customer-service messages are left and until when; outside
   * it, messages are held until the resident writes again, and whether work-order replies have a
   * template message to go as.
   */
  async reach(to: ConversationAddress): Promise<ChannelReach> {
    const status = await this.#window.status(to.userId);
    if (status.remaining > 0 && status.until !== undefined) return { mode: 'window', remaining: status.remaining, until: status.until };
    return { mode: 'held', template: this.#workOrderTemplate };
  }

  async deliver(to: ConversationAddress, messages: OutboundMessage[]): Promise<void> {
    if (to.channel !== 'wechat-mp') throw new Error(`WechatDelivery.deliver(): channel "${to.channel}" is not wechat-mp`);
    const items = messages.flatMap(renderOutbound);
    if (items.length > 0) await this.#queue.enqueue({ openid: to.userId, items, sent: 0 });
  }

  /** A notification: a customer-service text while the window is open, else its template (or held). */
  async notify(openid: string, notification: Notification): Promise<void> {
    await this.#queue.enqueue({ openid, items: textItems(notificationText(notification)), notification, sent: 0 });
  }

  /** A channel-neutral notice (a booking reminder, a progress change) as this account's notification. */
  async notice(to: ConversationAddress, notice: Notice): Promise<void> {
    if (to.channel !== 'wechat-mp') throw new Error(`WechatDelivery.notice(): channel "${to.channel}" is not wechat-mp`);
    const f = notice.fields;
    const common = { text: notice.text, ...(notice.expiresAt !== undefined ? { expiresAt: notice.expiresAt } : {}) };
    const notification: Notification =
      notice.kind === 'booking-reminder'
        ? { kind: 'booking-reminder', service: f.service ?? '', time: f.time ?? '', place: f.place ?? '', ...common }
        : { kind: 'progress-change', caseName: f.caseName ?? '', caseNo: f.caseNo ?? '', status: f.status ?? '', ...common };
    await this.notify(to.userId, notification);
  }

  /** The resident unfollowed: forget their window and held messages (the platform would refuse them anyway). */
  async forget(openid: string): Promise<void> {
    await this.#window.close(openid);
    await this.#held.take(openid);
  }

  /** The resident wrote (or clicked, followed, scanned) at `at`: opens the window and releases held messages. */
  async noteInbound(openid: string, at: number, trigger: InboundTrigger = 'message'): Promise<void> {
    await this.#window.noteInbound(openid, at, trigger);
    for (const job of await this.#held.take(openid)) {
      await this.#queue.enqueue({ openid, items: job.items, notification: job.notification, sent: 0 });
    }
  }
}
