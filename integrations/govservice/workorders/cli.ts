/**
 * Operator tool for the work orders on Redis (REDIS_URL, KEY_PREFIX as the service uses them):
 *
 *   npm run --silent workorder -- list [--status 办理] [--overdue] [--rectification]   newest first, masked
 *   npm run --silent workorder -- show GD…                       the order as JSON (contact in full)
 *   npm run --silent workorder -- dispatch GD… 城管局 [协办单位…]   派单
 *   npm run --silent workorder -- handle GD…                     办理 (the department took it)
 *   npm run --silent workorder -- return GD… 理由                 退单 back to 受理 for 改派
 *   npm run --silent workorder -- reply GD… 答复内容               答复 (办理 first when only dispatched)
 *   npm run --silent workorder -- close GD… [答复内容]             办结: the resident is told and invited to rate
 *   npm run --silent workorder -- visit GD… [回访记录]             回访
 *   npm run --silent workorder -- rate GD… 1-5 [理由]              a rating taken by phone (1–2 need the reason)
 *   npm run --silent workorder -- appeal GD… 单位 理由             申诉复核 of a rating
 *   npm run --silent workorder -- hold GD… 理由 | resume GD…      stop the clock (e.g. waiting for the resident's 补充), run it again
 *   npm run --silent workorder -- extend GD… 工作日数 理由          依规延期 (once, where the table allows): the resident is told
 *   npm run --silent workorder -- outbox                         changes not yet accepted by the city platform
 *
 * The embedded (memory) store lives inside the running service only, so this tool needs Redis.
 * Errors: one line on stderr, exit code 2 (usage) or 1 (Redis, a refused move, no such order).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { loadCoreConfig } from '../../../bot/config';
import { createLogger } from '../../../bot/logger';
import { maskAddress, maskPhone } from '../../../bot/pii';
import { connectRedis, RedisDeduper, RedisReferences, type RedisClient } from '../../redis';
import { BullJobQueue } from '../../redis/job-queue';
import { createCalendar, loadCalendarData } from '../calendar';
import { createWorkOrders, type WorkOrdersModule } from './index';
import { deadlineInForce, isOverdue, STATUS_LABELS, WorkOrderNotFoundError } from './machine';
import { WORK_ORDER_STATUSES, WorkOrderTransitionError, type Actor, type RatingLevel, type WorkOrder, type WorkOrderStatus } from './port';
import { RedisOutboxQueue } from './outbox';
import { workOrderKeys } from './redis-store';

const USAGE = 'usage: workorder -- list [--status S] [--overdue] [--rectification] | show REF | dispatch REF LEAD [SUPPORTING…] | handle REF | return REF REASON | reply REF TEXT | close REF [TEXT] | visit REF [NOTE] | rate REF 1-5 [REASON] | appeal REF DEPARTMENT REASON | hold REF REASON | resume REF | extend REF WORKDAYS REASON | outbox';

type Out = (text: string) => void;

const ARITY: Record<string, [number, number]> = {
  list: [0, 4],
  show: [1, 1],
  dispatch: [2, 20],
  handle: [1, 1],
  return: [2, 2],
  reply: [2, 2],
  close: [1, 2],
  visit: [1, 2],
  rate: [2, 3],
  appeal: [3, 3],
  outbox: [0, 0],
  hold: [2, 2],
  resume: [1, 1],
  extend: [3, 3],
};

/** One line of `list`: no phone or street address in full. */
function line(o: WorkOrder, now: number): string {
  const due = deadlineInForce(o);
  const flags = [o.supervised ? '督办' : '', isOverdue(o, now) ? '超期' : '', o.sync.state === 'local' ? '' : o.sync.state].filter(Boolean).join(',');
  return [o.reference, STATUS_LABELS[o.status], o.filing.type, maskPhone(maskAddress(o.filing.title)), due ? `限${due.dueDate}` : '-', o.departments.lead ?? '-', flags || '-'].join('\t');
}

/** The command and its arguments, or undefined (usage printed) when they do not fit. */
function parseCommand(argv: string[], err: Out): { command: string; args: string[] } | undefined {
  const [command = '', ...args] = argv.filter((a) => a !== '--');
  const arity = ARITY[command];
  if (!arity || args.length < arity[0] || args.length > arity[1]) {
    err(`workorder: ${USAGE}\n`);
    return undefined;
  }
  return { command, args };
}

/**
 * The same commands against a service in this process (`npm run chat`'s `/workorder …`, on the
 * embedded defaults): everything but `outbox`, which reads Redis.
 */
export async function operate(m: WorkOrdersModule, argv: string[], out: Out, err: Out): Promise<number> {
  const parsed = parseCommand(argv, err);
  if (!parsed) return 2;
  try {
    return await run(m, undefined, parsed.command, parsed.args, out, err);
  } catch (e) {
    if (e instanceof WorkOrderTransitionError || e instanceof WorkOrderNotFoundError) {
      err(`workorder: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, out: Out = (t) => process.stdout.write(t), err: Out = (t) => process.stderr.write(t)): Promise<number> {
  const parsed = parseCommand(argv, err);
  if (!parsed) return 2;
  const { command, args } = parsed;
  const core = loadCoreConfig(env);
  if (!core.REDIS_URL) {
    err('workorder: REDIS_URL is not set: without Redis the work orders live inside the running service only, and this tool cannot reach them\n');
    return 1;
  }
  // Connection retries would log; the one line on stderr says what failed.
  const logger = createLogger({ level: core.LOG_LEVEL === 'silent' ? 'silent' : 'error' });
  let client: RedisClient;
  try {
    client = await connectRedis(core.REDIS_URL, logger, { initialAttempts: 2, connectTimeoutMs: 2_000 });
  } catch (e) {
    err(`workorder: Redis at REDIS_URL is not reachable (${e instanceof Error ? e.message : String(e)})\n`);
    return 1;
  }
  const clock = { now: () => Date.now() };
  const jobs = await BullJobQueue.create({ redis: client, keyPrefix: core.KEY_PREFIX, logger, clock });
  try {
    const module = await createWorkOrders({
      env,
      calendar: createCalendar(await loadCalendarData()),
      references: new RedisReferences(client, { logger, prefix: core.KEY_PREFIX }),
      redis: { client, prefix: core.KEY_PREFIX },
      jobs,
      clock,
      logger,
      delivery: () => undefined,
      deduper: new RedisDeduper(client, { logger, prefix: core.KEY_PREFIX }),
    });
    return await run(module, { client, prefix: core.KEY_PREFIX }, command, args, out, err);
  } catch (e) {
    if (e instanceof WorkOrderTransitionError || e instanceof WorkOrderNotFoundError) {
      err(`workorder: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await jobs.close();
    await client.close();
  }
}

async function run(m: WorkOrdersModule, redis: { client: RedisClient; prefix: string } | undefined, command: string, args: string[], out: Out, err: Out): Promise<number> {
  const s = m.service;
  const now = Date.now();
  const ref = args[0] ?? '';
  const key = `cli:${command}:${ref}:${randomUUID()}`;
  const actor: Actor = { kind: 'agent', name: 'cli' };
  const base = { actor, at: now, key };
  const show = (o: WorkOrder) => out(`${JSON.stringify(o, null, 2)}\n`);
  const brief = (o: WorkOrder) => out(`${line(o, now)}\n`);
  switch (command) {
    case 'list': {
      let status: WorkOrderStatus | undefined;
      const i = args.indexOf('--status');
      if (i >= 0) {
        const wanted = args[i + 1] as WorkOrderStatus;
        if (!WORK_ORDER_STATUSES.includes(wanted)) {
          err(`workorder: --status is one of ${WORK_ORDER_STATUSES.join(' ')}\n`);
          return 2;
        }
        status = wanted;
      }
      const orders = await s.list({ ...(status ? { status } : {}), overdue: args.includes('--overdue'), rectification: args.includes('--rectification'), at: now, limit: 100 });
      for (const o of orders) brief(o);
      if (orders.length === 0) err('workorder: no orders\n');
      return 0;
    }
    case 'show': {
      const o = await s.get(ref);
      if (!o) throw new WorkOrderNotFoundError(ref);
      show(o);
      return 0;
    }
    case 'dispatch':
      brief(await s.transition(ref, { ...base, to: '派单', lead: args[1] ?? '', supporting: args.slice(2) }));
      return 0;
    case 'handle':
      brief(await s.transition(ref, { ...base, to: '办理' }));
      return 0;
    case 'return':
      brief(await s.transition(ref, { ...base, to: '受理', reason: args[1] ?? '' }));
      return 0;
    case 'reply': {
      const o = await s.get(ref);
      if (o?.status === '派单') await s.transition(ref, { ...base, to: '办理', key: `${key}:handle` });
      brief(await s.transition(ref, { ...base, to: '答复', reply: args[1] ?? '' }));
      return 0;
    }
    case 'close':
      brief(await s.transition(ref, { ...base, to: '办结', ...(args[1] ? { reply: args[1] } : {}) }));
      return 0;
    case 'visit':
      brief(await s.transition(ref, { ...base, to: '回访', ...(args[1] ? { note: args[1] } : {}) }));
      return 0;
    case 'rate': {
      const level = Number(args[1]);
      if (![1, 2, 3, 4, 5].includes(level)) {
        err('workorder: the level is 1 (非常不满意) to 5 (非常满意)\n');
        return 2;
      }
      brief(await s.rate(ref, { level: level as RatingLevel, ...(args[2] ? { reason: args[2] } : {}), at: now, key }));
      return 0;
    }
    case 'hold':
      brief(await s.hold(ref, { reason: args[1] ?? '', actor, at: now, key }));
      return 0;
    case 'resume':
      brief(await s.resume(ref, { actor, at: now, key }));
      return 0;
    case 'extend': {
      const workdays = Number(args[1]);
      if (!Number.isInteger(workdays) || workdays < 1) {
        err('workorder: the extension is a whole number of working days\n');
        return 2;
      }
      brief(await s.extend(ref, { workdays, reason: args[2] ?? '', actor, at: now, key }));
      return 0;
    }
    case 'appeal':
      brief(await s.appeal(ref, { by: args[1] ?? '', reason: args[2] ?? '', at: now, key }));
      return 0;
    case 'outbox': {
      if (!redis) {
        err('workorder: the outbox lives in Redis: without it no city platform can be configured, and nothing is queued\n');
        return 0;
      }
      const keys = workOrderKeys(redis.prefix);
      const pending = await new RedisOutboxQueue(redis.client, { stream: keys.outbox(), tries: keys.outboxTries() }).pending(1000);
      for (const { entry, tries } of pending) {
        const o = await s.get(entry.reference);
        out(`${entry.reference}\tv${entry.version}\t${entry.event}\t${o?.sync.state ?? 'gone'}\tattempts=${tries?.attempts ?? 0}${tries?.lastError ? `\t${tries.lastError}` : ''}\n`);
      }
      if (pending.length === 0) err(m.env.WORKORDER_PLATFORM_URL ? 'workorder: the outbox is empty: the platform has every change\n' : 'workorder: no city platform is configured (WORKORDER_PLATFORM_URL): nothing is queued\n');
      return 0;
    }
  }
  err(`workorder: ${USAGE}\n`);
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`workorder: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
