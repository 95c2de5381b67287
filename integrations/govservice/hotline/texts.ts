import { maskAddress } from '../../../bot/pii';
import { localYmd } from '../../../flows/slots/calendar';
import { formatDate } from '../calendar/describe';
import { RATING_LEVELS, type WorkOrder, type WorkOrderDeadline } from '../workorders/port';

/** How residents read their 12345 work orders: short, plain, what matters first. */

/** 12月1日 in the city's time zone. */
export function monthDay(at: number, timeZone: string): string {
  return formatDate(localYmd(at, timeZone));
}

/** "我要投诉，", "想反映一下：" before the matter itself. */
const OPENER = /^\s*(?:你好|您好)?[，,\s]*(?:我|我们)?(?:要|想|想要)?(?:投诉|举报|反映|求助|咨询|表扬|建议)(?:一下|个事|件事|个问题)?[，,：:\s]*/u;

/** One line: what it is about, at most 24 characters. */
export function titleOf(description: string): string {
  const told = description.replace(OPENER, '') || description;
  const first = told.split(/[。！？!?\n]/u)[0] ?? told;
  const chars = Array.from(first.trim());
  return chars.length > 24 ? `${chars.slice(0, 23).join('')}…` : chars.join('');
}

/** The reply date as a sentence: 12月8日前答复（可依规延期）. */
export function deadlineText(d: WorkOrderDeadline | undefined): string {
  if (!d) return '';
  const pause = d.pauses?.find((p) => p.to === undefined);
  if (pause) return `办理时限暂停计时（${pause.reason}），恢复后顺延`;
  const when = `${d.confirmed ? '' : '预计'}${d.dueDate}前`;
  if (d.kind === 'rectify') return `${when}整改并回复您`;
  if (d.extension) return `承办单位已依规延期，会在${when}答复您（${d.extension.reason}）`;
  return `承办单位会在${when}答复您${d.extendable ? '（情况复杂的可依规延期，届时会告诉您）' : ''}`;
}

/** The status in plain words. */
export function statusText(o: WorkOrder): string {
  const lead = o.departments.lead ? `「${o.departments.lead}」` : '承办单位';
  switch (o.status) {
    case '受理':
      return '已受理，正在分派给承办单位';
    case '派单':
      return `已派给${lead}办理`;
    case '办理':
      return `${lead}正在办理${o.supervised ? '（已超期，12345正在督办）' : ''}`;
    case '答复':
      return `${lead}已答复`;
    case '办结':
      return o.rating ? '已办结，您已评价' : '已办结';
    case '回访':
      return '已办结，正在回访';
    case '评价':
      return '已办结，您已评价';
    case '整改':
      return `您评价不满意，${o.rectification ? `「${o.rectification.owner}」` : lead}正在整改`;
  }
}

/** The platform sync, when it is behind. */
export function syncText(o: WorkOrder): string | undefined {
  if (o.sync.state === '待同步') return '（正在同步到市12345平台）';
  if (o.sync.state === '同步失败') return '（同步到市12345平台暂时没有成功，系统会自动重试，您的诉求不会丢）';
  return undefined;
}

/** A line in a list of orders. */
export function orderLine(o: WorkOrder, timeZone: string): string {
  return `${o.reference}（${monthDay(o.openedAt, timeZone)}${o.filing.type}）${statusText(o)}`;
}

const HISTORY_WORDS: Record<string, string> = { 受理: '受理', 派单: '派单', 办理: '开始办理', 答复: '答复', 办结: '办结', 回访: '回访', 评价: '评价', 整改: '开始整改' };

/** What happened so far, a day's steps together: 12月1日 受理、派单 → 12月3日 答复. */
function historyText(o: WorkOrder, timeZone: string): string {
  const days: { day: string; steps: string[] }[] = [];
  for (const h of o.history) {
    // No move ("暂停计时：…", "依规延期…", "补充：…", "督办：…"): what happened, without the details.
    const same = h.from === h.to && h.reason;
    const step = same ? h.reason!.split('：')[0]! : `${HISTORY_WORDS[h.to] ?? h.to}${h.to === '受理' && h.from ? `（退回改派：${h.reason ?? ''}）` : ''}`;
    const day = monthDay(h.at, timeZone);
    const last = days.at(-1);
    if (last?.day === day) last.steps.push(step);
    else days.push({ day, steps: [step] });
  }
  return days.map((d) => `${d.day} ${d.steps.join('、')}`).join(' → ');
}

/** The order in full, as messages. */
export function orderDetail(o: WorkOrder, timeZone: string): string[] {
  const lines = [
    `工单 ${o.reference}：${statusText(o)}${syncText(o) ?? ''}`,
    `${o.filing.type}·${o.filing.category.join('·') || '其他'}：${o.filing.title}`,
  ];
  if (o.filing.location?.text) lines.push(`地点：${maskAddress(o.filing.location.text)}`);
  if (o.departments.lead) lines.push(`承办单位：${o.departments.lead}${o.departments.supporting.length ? `（协办：${o.departments.supporting.join('、')}）` : ''}`);
  const open = !['办结', '回访', '评价'].includes(o.status);
  const due = o.status === '整改' ? o.rectification?.deadline : o.deadline;
  if (open && due) lines.push(deadlineText(due) + '。');
  if (o.history.length) lines.push(`经过：${historyText(o, timeZone)}`);
  const messages = [lines.join('\n')];
  if (o.reply) messages.push(`答复（${monthDay(o.reply.at, timeZone)}）：${o.reply.text}`);
  if (o.rating) messages.push(`您的评价：${RATING_LEVELS[o.rating.level - 1]}${o.rating.reason ? `（${o.rating.reason}）` : ''}`);
  else if (['办结', '回访'].includes(o.status)) messages.push('还没评价：回复“评价工单”就可以为这次办理打分。');
  return messages;
}
