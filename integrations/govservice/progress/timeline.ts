import { formatDate, formatDue, isOverdue, type Deadline, type PauseInterval, type WorkCalendar } from '../calendar';
import { STEPS, type Application } from './schema';

/** 「11月27日 11:05」 */
function when(ms: number, calendar: WorkCalendar): string {
  const clock = new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
  return `${formatDate(calendar.dateOf(ms))} ${clock}`;
}

/** Decided (办结): the time limit is met once the decision is made. */
export const isDecided = (a: Application): boolean => a.timeline.some((e) => e.step === '决定');

/** A short status: 审查中, 补正中（时限暂停）, 已办结, 不予许可 … */
export function statusOf(a: Application): string {
  if (a.correction && a.correction.resubmittedAt === null) return '补正中';
  if (a.outcome?.decision === '不予') return '不予办理';
  const last = a.timeline.at(-1)?.step ?? '收件';
  if (last === '送达') return a.delivery?.method === 'EMS' && !/已签收|已送达|妥投/u.test(a.delivery.status ?? '') ? '寄递中' : '已办结';
  const open = a.special.find((s) => s.to === null || s.to > (a.timeline.at(-1)?.at ?? 0));
  if (open && !isDecided(a)) return `${open.kind}中`;
  return `${last === '受理' ? '已受理' : `${last}${last === '决定' ? '已作出' : '中'}`}`;
}

/** The promised completion: 受理 plus the limit, 补正 and special procedures left out of the count. */
export function promised(a: Application, calendar: WorkCalendar, now: number): Deadline | undefined {
  const accepted = a.timeline.find((e) => e.step === '受理');
  if (!accepted || !a.timeLimit) return undefined;
  const pauses: PauseInterval[] = [];
  if (a.correction) pauses.push({ from: a.correction.requestedAt, to: a.correction.resubmittedAt ?? now });
  for (const s of a.special) pauses.push({ from: s.from, to: s.to ?? now });
  return calendar.deadline(accepted.at, { amount: a.timeLimit.amount, unit: a.timeLimit.unit }, { pausedIntervals: pauses });
}

/**
 * An application as a resident reads it: what it is and where it stands first, the promised date
 * (预计 where the calendar is unconfirmed; overdue said plainly), an open 补正 request with its
 * complete list, special procedures apart, the timeline with the time of each step, the result
 * and its delivery (the EMS waybill).
 */
export function describeApplication(a: Application, calendar: WorkCalendar, now: number): string[] {
  const today = calendar.dateOf(now);
  const head = [`【${a.item.name}】${a.number}（申请人 ${a.applicant}）`, `当前：${statusOf(a)} · ${a.department}`];
  const due = promised(a, calendar, now);
  const open = a.correction && a.correction.resubmittedAt === null;
  if (due && !isDecided(a)) {
    const limit = `${a.timeLimit?.amount}个${a.timeLimit?.unit === 'workday' ? '工作日' : '自然日'}`;
    if (open) head.push(`承诺时限：受理后${limit}；补正期间暂停计时，补齐后接着算。`);
    else if (isOverdue(due, now)) head.push(`已超过承诺办结时间（${formatDue(due.dueDate, due.confirmed, today)}）。可以拨打12345政务服务便民热线或找窗口催办。`);
    else head.push(`预计办结：${formatDue(due.dueDate, due.confirmed, today)}前（受理后${limit}${due.paused ? '，已扣除暂停的时间' : ''}）${due.confirmed ? '' : '；日期按预计的放假安排推算'}`);
  }
  const blocks = [head.join('\n')];
  if (a.correction) {
    const c = a.correction;
    blocks.push(
      [
        c.resubmittedAt === null ? `需要补正材料（${when(c.requestedAt, calendar)}通知，补齐前办理时限暂停）：` : `补正材料已于${when(c.resubmittedAt, calendar)}补齐（${when(c.requestedAt, calendar)}通知）：`,
        ...c.items.map((item, i) => `${i + 1}. ${item}`),
        ...(c.resubmittedAt === null && c.how ? [`提交方式：${c.how}`] : []),
      ].join('\n'),
    );
  }
  if (a.special.length) {
    blocks.push(['特别程序（不计入办理时限）：', ...a.special.map((s) => `${s.kind}：${formatDate(calendar.dateOf(s.from))}起${s.to ? `，预计${formatDate(calendar.dateOf(s.to))}前完成` : ''}${s.note ? `。${s.note}` : ''}`)].join('\n'));
  }
  const reached = new Map(a.timeline.map((e) => [e.step, e]));
  // A refusal ends the application at its decision: no card is made or sent.
  const shown = a.outcome?.decision === '不予' ? STEPS.slice(0, STEPS.indexOf('决定') + 1) : STEPS;
  const steps = shown.map((step) => {
    const e = reached.get(step);
    if (!e) return `○ ${step}${step === '送达' && a.delivery ? `（${a.delivery.method === 'EMS' ? 'EMS邮寄' : '窗口自取'}）` : ''}`;
    return `✓ ${step} ${when(e.at, calendar)}${e.note ? ` ${e.note}` : ''}`;
  });
  blocks.push(['办理进度：', ...steps].join('\n'));
  const tail: string[] = [];
  if (a.outcome?.decision === '不予') tail.push(`办理结果：不予办理。${a.outcome.reason ? `理由：${a.outcome.reason}。` : ''}对结果有异议的，可以依法申请行政复议或提起行政诉讼；有疑问可拨打12345。`);
  if (a.delivery?.method === 'EMS' && a.delivery.waybill) tail.push(`邮寄：EMS 运单号 ${a.delivery.waybill}${a.delivery.status ? `，${a.delivery.status}` : ''}（可在中国邮政、EMS查询）`);
  if (a.delivery?.method === '自取' && a.delivery.status) tail.push(`领取：${a.delivery.status}${a.delivery.place ? `（${a.delivery.place}）` : ''}`);
  if (tail.length) blocks.push(tail.join('\n'));
  return [blocks.join('\n\n')];
}

/** What changed, for a notification: the newest step or event. */
export function latestChange(a: Application, calendar: WorkCalendar): string {
  if (a.correction && a.correction.resubmittedAt === null) return `需要补正材料：${a.correction.items.join('；')}`;
  if (a.outcome?.decision === '不予') return `不予办理${a.outcome.reason ? `：${a.outcome.reason}` : ''}`;
  const last = a.timeline.at(-1);
  return last ? `${last.step}（${when(last.at, calendar)}）${last.note ? ` ${last.note}` : ''}` : statusOf(a);
}
