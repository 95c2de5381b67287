import { Writable } from 'node:stream';
import { vi } from 'vitest';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import * as PUPPET from 'wechaty-puppet';
import type { Bot, TurnResult } from '../../bot/bot';
import { parseEnv } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import type { InboundMessage, OutboundMessage } from '../../bot/message';
import { MemoryDeduper } from '../../bot/memory';
import type { BackoffOptions } from '../../integrations/wechaty/backoff';
import { startWechatyChannel, type WechatyChannel } from '../../integrations/wechaty/channel';
import { WechatyConfigSchema } from '../../integrations/wechaty/config';

/** JSON log lines captured from a real pino logger. */
export class LogSink {
  readonly lines: Record<string, unknown>[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  find(msg: string | RegExp): Record<string, unknown>[] {
    return this.lines.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
  }

  async waitFor(msg: string | RegExp, count = 1): Promise<Record<string, unknown>[]> {
    await vi.waitFor(() => {
      if (this.find(msg).length < count) throw new Error(`waiting for log "${String(msg)}" ×${count}`);
    }, { timeout: 10_000, interval: 10 });
    return this.find(msg);
  }
}

/**
 * A Bot port fake that records what reached it and answers with `reply(message)`. Like the runtime
 * it de-duplicates by message id (the Bot contract), so a double delivery runs once.
 */
export class RecordingBot implements Bot {
  readonly inbound: InboundMessage[] = [];
  readonly #deduper = new MemoryDeduper();
  constructor(private readonly reply: (m: InboundMessage) => OutboundMessage[]) {}

  async handle(message: InboundMessage): Promise<TurnResult> {
    if (!(await this.#deduper.claim(`${message.channel}:${message.id}`, 600))) return { replies: [], effects: [], duplicate: true };
    this.inbound.push(message);
    return { replies: this.reply(message), effects: [], duplicate: false };
  }
}

export type MockContact = ReturnType<mock.Mocker['createContact']>;
export type MockRoom = ReturnType<mock.Mocker['createRoom']>;
export type MockMessage = Parameters<Parameters<MockContact['on']>[1]>[0];

export interface Harness {
  mocker: mock.Mocker;
  puppet: PuppetMock;
  /** The account the bot runs as. */
  self: MockContact;
  resident: MockContact;
  channel: WechatyChannel;
  logs: LogSink;
  /** Everything the bot account said to `contact` (or in `room`), in order. */
  received(target: MockContact | MockRoom): MockMessage[];
  /** Waits until the bot has said at least `count` messages to the target; returns them. */
  waitForReplies(target: MockContact | MockRoom, count: number): Promise<MockMessage[]>;
  /** Logs the bot account in and waits until the channel has seen the login. */
  login(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  bot: Bot;
  backoff?: BackoffOptions;
  /** Builds the puppet (tests of rich replies pass a PuppetMock subclass). */
  makePuppet?: (mocker: mock.Mocker) => PuppetMock;
}

/** A real Wechaty, started by the channel on a PuppetMock, with a bot account and one resident. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const mocker = new mock.Mocker();
  const puppet = options.makePuppet ? options.makePuppet(mocker) : new PuppetMock({ mocker });
  const self = mocker.createContact({ name: '办事助手' });
  const resident = mocker.createContact({ name: '张阿姨' });
  const logs = new LogSink();
  const logger = createLogger({ level: 'debug', destination: logs.stream });
  const seen = new Map<MockContact | MockRoom, MockMessage[]>();

  const received = (target: MockContact | MockRoom): MockMessage[] => {
    let list = seen.get(target);
    if (!list) {
      const fresh: MockMessage[] = [];
      // The mock emits every message on its room, talker and listener; keep what the bot account said.
      target.on('message', (m: MockMessage) => {
        if (m.payload.talkerId === self.id) fresh.push(m);
      });
      seen.set(target, fresh);
      list = fresh;
    }
    return list;
  };

  const channel = await startWechatyChannel({
    bot: options.bot,
    logger,
    config: parseEnv(WechatyConfigSchema, {}),
    puppet: puppet as unknown as PUPPET.impls.PuppetInterface,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });

  // Listen from the start: the mock emits synchronously, before a test could subscribe.
  received(resident);
  let logins = 0;
  return {
    mocker,
    puppet,
    self,
    resident,
    channel,
    logs,
    received,
    async waitForReplies(target, count) {
      const list = received(target);
      await vi.waitFor(() => {
        if (list.length < count) throw new Error(`waiting for ${count} replies, have ${list.length}`);
      }, { timeout: 10_000, interval: 10 });
      return list;
    },
    async login() {
      logins += 1;
      mocker.login(self);
      await logs.waitFor('wechaty: logged in', logins);
    },
    async close() {
      await channel.stop();
    },
  };
}

/** Text of a mock message (the bot's replies are text unless a test sends files). */
export function textOf(m: MockMessage): string {
  return m.payload.type === PUPPET.types.Message.Text ? (m.payload.text ?? '') : `[type ${m.payload.type}]`;
}

/**
 * One turn of a conversation: `send` as the resident, then wait until the text the bot said since
 * (to `target`) matches `expected`. Returns that text.
 */
export async function exchange(h: Harness, target: MockContact | MockRoom, send: () => void, expected: RegExp): Promise<string> {
  const list = h.received(target);
  const from = list.length;
  send();
  let said = '';
  await vi.waitFor(() => {
    said = list.slice(from).map(textOf).join('\n');
    if (!expected.test(said)) throw new Error(`waiting for a reply matching ${String(expected)}; got ${JSON.stringify(said)}`);
  }, { timeout: 10_000, interval: 10 });
  return said;
}

/** The number in front of an option ("2. 意见建议") in a numbered-choices reply. */
export function optionNumber(text: string, label: RegExp): string {
  for (const line of text.split('\n')) {
    const m = /^(\d+)\.\s*(.+)$/u.exec(line.trim());
    if (m && label.test(m[2]!)) return m[1]!;
  }
  throw new Error(`no option matching ${String(label)} in ${JSON.stringify(text)}`);
}
