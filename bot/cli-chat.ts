import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { operate } from '../integrations/govservice/workorders/cli';
import { composeBot } from './compose';
import { MemoryJobQueue } from './memory';
import { createLogger } from './logger';
import { outboundAsText, type InboundMessage, type OutboundMessage } from './message';
import type { ConversationAddress } from './ports';

/**
 * `npm run chat`: talk to the bot in a terminal as channel 'cli', user 'cli-user'.
 * On a TTY it is an interactive prompt; otherwise it reads one message per line and prints the
 * replies, so conversations can be scripted: `printf '菜单\n1\n' | npm run --silent chat`.
 * Stdout carries only the conversation; logs go to stderr (LOG_LEVEL, default warn).
 */

const USER_ID = 'cli-user';
const CONVERSATION_ID = `cli:${USER_ID}`;

const HELP = [
  '直接输入文字即可和办事助手对话，回复数字可选择选项。',
  '其他操作：',
  '  /menu 菜单键        点击底部菜单，例如 /menu MENU_GUIDE',
  '  /subscribe          关注公众号',
  '  /location 纬度 经度 [地点名]   发送位置，例如 /location 43.8256 87.6168 市政务服务中心',
  '  /image 图片地址     发送图片',
  '  /voice 文字         发送语音（文字当作语音识别结果）',
  '  /workorder 命令      以承办单位身份处理工单（list、dispatch 工单号 单位、reply 工单号 答复、close 工单号、',
  '                      hold 工单号 理由、resume 工单号、extend 工单号 工作日数 理由），',
  '                      例如 /workorder close GD20261201000019 已约谈商户整改',
  '  /help               显示本帮助',
  '  /quit               退出（也可按 Ctrl+D）',
].join('\n');

type Parsed = { kind: 'message'; message: InboundMessage } | { kind: 'workorder'; argv: string[] } | { kind: 'help' } | { kind: 'quit' } | { kind: 'error'; text: string } | { kind: 'skip' };

/** Turns one typed line into an inbound message or a local command. */
function parseLine(line: string, now: number): Parsed {
  const text = line.trim();
  if (!text) return { kind: 'skip' };
  const base = { id: `cli-${randomUUID()}`, channel: 'cli' as const, userId: USER_ID, conversationId: CONVERSATION_ID, receivedAt: now };
  if (!text.startsWith('/')) return { kind: 'message', message: { ...base, kind: 'text', text } };
  const [command = '', ...args] = text.split(/\s+/);
  const rest = args.join(' ');
  switch (command) {
    case '/help':
      return { kind: 'help' };
    case '/quit':
      return { kind: 'quit' };
    case '/subscribe':
      return { kind: 'message', message: { ...base, kind: 'subscribe' } };
    case '/menu':
      return args[0] ? { kind: 'message', message: { ...base, kind: 'menu', key: args[0] } } : { kind: 'error', text: '用法：/menu 菜单键' };
    case '/image':
      return args[0] ? { kind: 'message', message: { ...base, kind: 'image', url: args[0] } } : { kind: 'error', text: '用法：/image 图片地址' };
    case '/workorder':
      // The reply text may contain spaces: everything after the number is one argument.
      return { kind: 'workorder', argv: wordsOf(args) };
    case '/voice':
      return { kind: 'message', message: { ...base, kind: 'voice', recognition: rest || undefined } };
    case '/location': {
      const latitude = Number(args[0]);
      const longitude = Number(args[1]);
      const valid = Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
      if (!valid) return { kind: 'error', text: '用法：/location 纬度 经度 [地点名]' };
      return { kind: 'message', message: { ...base, kind: 'location', latitude, longitude, label: args.slice(2).join(' ') || undefined } };
    }
    default:
      // Not one of ours: let the bot read it as text (a resident may well type "/").
      return { kind: 'message', message: { ...base, kind: 'text', text } };
  }
}

/** /workorder's arguments: a reply, note or reason may contain spaces (it is the last argument). */
function wordsOf(args: string[]): string[] {
  // Where the free text starts: /workorder reply GD… 已约谈商户 整改中 → [reply, GD…, "已约谈商户 整改中"].
  const textAt: Record<string, number> = { reply: 2, close: 2, visit: 2, return: 2, hold: 2, extend: 3 };
  const n = textAt[args[0] ?? ''];
  return n && args.length > n ? [...args.slice(0, n), args.slice(n).join(' ')] : args;
}

function formatReplies(replies: OutboundMessage[], color: boolean): string {
  const label = color ? '\u001b[1;32m机器人：\u001b[0m' : '机器人：';
  return replies.map((reply) => `${label}${outboundAsText(reply)}\n\n`).join('');
}

async function main(): Promise<number> {
  // A reader that stops early (`| head`) is not an error: stop quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr, pseudonymKey: process.env.LOG_PSEUDONYM_KEY || undefined });
  const composed = await composeBot({ env: process.env, logger });
  const print = (replies: OutboundMessage[]): void => {
    if (replies.length > 0) process.stdout.write(formatReplies(replies, interactive));
  };
  // Late messages (an agent's answer, a slow lookup) land here while the chat is open.
  composed.registerDelivery('cli', { deliver: async (_to: ConversationAddress, messages: OutboundMessage[]) => print(messages) });
  // Jobs run here too: a work order closed with /workorder tells this resident and asks for the rating.
  await composed.workOrderModule.start();
  await composed.jobs.start();

  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  if (interactive) {
    process.stdout.write(`城市办事助手 · ${composed.config.CITY_NAME}（命令行对话）\n输入 /help 查看操作，Ctrl+D 退出。\n\n`);
    rl.setPrompt('你：');
    rl.on('SIGINT', () => rl.close());
    rl.prompt();
  }

  let failures = 0;
  for await (const line of rl) {
    const parsed = parseLine(line, Date.now());
    if (parsed.kind === 'quit') break;
    if (parsed.kind === 'help') process.stdout.write(`${HELP}\n\n`);
    if (parsed.kind === 'error') process.stderr.write(`${parsed.text}\n`);
    if (parsed.kind === 'workorder') {
      await operate(composed.workOrderModule, parsed.argv, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
      // On memory, the job that tells the resident runs before the next line is read.
      if (composed.jobs instanceof MemoryJobQueue) await composed.jobs.runDue();
    }
    if (parsed.kind === 'message') {
      try {
        const result = await composed.bot.handle(parsed.message);
        print(result.replies);
      } catch (err) {
        failures += 1;
        logger.error({ err }, 'cli turn failed');
        process.stderr.write('出错了，这条消息没有处理成功。\n');
      }
    }
    if (interactive) rl.prompt();
  }
  rl.close();
  await composed.close();
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`cli-chat: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
