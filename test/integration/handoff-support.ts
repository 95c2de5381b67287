import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed, type ComposeOptions } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText, type InboundMessage, type OutboundMessage } from '../../bot/message';
import type { ChannelDelivery, ConversationAddress } from '../../bot/ports';
import { SessionSchema, sessionKey } from '../../bot/session';
import { profileOf, type Role, type StaffAccount, type StaffProfile } from '../../bot/staff/model';
import { FakeWorkOrderDesk } from '../fakes/work-order-desk';

/** Tuesday 2026-12-01 10:00 in Beijing: the desk is open (10:00-14:00). */
export const OPEN_AT = Date.parse('2026-12-01T10:00:00+08:00');

/** A syntactically valid argon2id hash (these tests never log in). */
export const SOME_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

/** Records what reaches residents outside their turns, per conversation. */
export class Outbox implements ChannelDelivery {
  readonly sent: { to: ConversationAddress; messages: OutboundMessage[] }[] = [];
  async deliver(to: ConversationAddress, messages: OutboundMessage[]): Promise<void> {
    this.sent.push({ to, messages });
  }
  texts(conversationId: string): string[] {
    return this.sent.filter((s) => s.to.conversationId === conversationId).flatMap((s) => s.messages.map(outboundAsText));
  }
  clear(): void {
    this.sent.length = 0;
  }
}

export interface DeskHarness {
  composed: Composed;
  clock: ManualClock;
  outbox: Outbox;
  orders: FakeWorkOrderDesk;
  agent(username: string, options?: { role?: Role; teams?: string[]; capacity?: number; online?: boolean }): Promise<StaffProfile>;
  resident(name: string): Resident;
}

export interface Resident {
  address: ConversationAddress;
  say(text: string): Promise<string[]>;
  send(message: Partial<InboundMessage> & { kind: InboundMessage['kind'] }): Promise<{ texts: string[]; effects: string[] }>;
  /** What reached the resident outside their turns. */
  outbox(): string[];
  session(): Promise<ReturnType<typeof SessionSchema.parse> | undefined>;
}

let serial = 0;

/** The real bot with the desk on (memory stores), a manual clock, a recording channel and the work-order stand-in. */
export async function deskHarness(options: Partial<ComposeOptions> & { env?: Record<string, string> } = {}): Promise<DeskHarness> {
  const clock = new ManualClock(OPEN_AT);
  const orders = new FakeWorkOrderDesk();
  const composed = await composeBot({ clock, logger: silentLogger(), workOrders: orders, ...options, env: { HUMAN_AGENTS: 'on', LOG_LEVEL: 'silent', ...options.env } });
  const outbox = new Outbox();
  composed.registerDelivery('test', outbox);
  return {
    composed,
    clock,
    outbox,
    orders,
    async agent(username, o = {}) {
      const account: StaffAccount = {
        username,
        displayName: `${1000 + (++serial % 9000)}号`,
        role: o.role ?? 'agent',
        teams: o.teams ?? ['general', 'social'],
        capacity: o.capacity ?? 3,
        passwordHash: SOME_HASH,
        disabled: false,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      };
      await composed.stores.staff.create(account);
      const profile = profileOf(account);
      if (o.online !== false) await composed.agents!.setPresence(profile, 'online');
      return profile;
    },
    resident(name) {
      const address: ConversationAddress = { channel: 'test', userId: name, conversationId: `test:${name}` };
      const send = async (message: Partial<InboundMessage> & { kind: InboundMessage['kind'] }) => {
        clock.advance(1000);
        const result = await composed.bot.handle({ id: `m${++serial}`, ...address, receivedAt: clock.now(), ...message } as InboundMessage);
        return { texts: result.replies.map(outboundAsText), effects: result.effects.map((e) => e.action) };
      };
      return {
        address,
        send,
        say: async (text) => (await send({ kind: 'text', text } as Partial<InboundMessage> & { kind: 'text' })).texts,
        outbox: () => outbox.texts(address.conversationId),
        async session() {
          const stored = await composed.stores.sessions.get(sessionKey(address.conversationId));
          return stored === undefined ? undefined : SessionSchema.parse(stored);
        },
      };
    },
  };
}
