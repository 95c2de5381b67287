/** What residents read about the human service: short, warm, what matters first. */

const EXIT_HINT = '回复“取消人工”可以回到自助服务。';
const EMERGENCY = '紧急情况请直接拨打 110、119、120 或 122。';

import type { QueuePlace } from './desk';

/** "前面还有 2 位，预计等待约 6 分钟" — or that they are next (at once only when an agent is free). */
export function placeInQueue(place: QueuePlace): string {
  const minutes = Math.max(1, Math.round(place.waitMinutes));
  if (place.ahead <= 0) return place.free > 0 ? '您是下一位，工作人员马上接入。' : `您是下一位，预计等待约 ${minutes} 分钟。`;
  return `您前面还有 ${place.ahead} 位，预计等待约 ${minutes} 分钟。`;
}

export const handoffTexts = {
  queued: (place: QueuePlace) =>
    `已为您转接人工客服。${placeInQueue(place)}\n工作人员接入后会在这里回复您，等待时您可以先把问题说一说。${EXIT_HINT}\n${EMERGENCY}`,
  urgentQueued: '我已请工作人员优先联系您，请留在这里，工作人员会在这里回复您。',
  /** A message while waiting: acknowledged (free as a passive reply), with the place in the queue. */
  waitingAck: (place: QueuePlace) => `收到，工作人员接入后就能看到您的消息。${placeInQueue(place)}${EXIT_HINT}`,
  stillQueued: (place: QueuePlace) => `现在咨询的人比较多，您仍在排队。${placeInQueue(place)}也可以拨打 12345 政务服务便民热线。${EXIT_HINT}`,
  positionUpdate: (place: QueuePlace) => `排队有进展：${placeInQueue(place)}`,
  agentJoined: (agent: string) => `工作人员${agent}已接入，请讲。`,
  agentBusy: '工作人员正在为您查询处理，请稍候。',
  transferredToTeam: (team: string) => `正在为您转接到「${team}」，请稍候。`,
  transferredToAgent: (agent: string) => `已为您转接给工作人员${agent}，请稍候。`,
  backInQueue: '正在为您安排其他工作人员，请稍候。',
  cancelled: '好的，已取消人工服务，回到自助服务。',
  handedBack: '本次人工服务已结束，感谢您的耐心。接下来由智能助手继续为您服务。',
  resolved: (workOrder?: string) => (workOrder ? `本次人工服务已结束，已为您登记工单，工单号 ${workOrder}，处理进展会通知您。` : '本次人工服务已结束，感谢您的耐心。'),
  timedOut: '您已经有一段时间没有回复，本次人工服务先结束了。需要时再回复“人工”。',
  closedWhileWaiting: (hours: string) => `很抱歉，今天的人工服务时间结束了，没能为您接通（服务时间：${hours}）。需要帮忙可以拨打 12345 政务服务便民热线（24小时），也可以在服务时间再回复“人工”。`,
  /** Outside the team's hours with no message desk connected. */
  afterHours: (hours: string, next?: string) =>
    `人工客服现在下班了（服务时间：${hours}${next ? `；下次上班：${next}` : ''}）。需要人工帮忙，可以拨打 12345 政务服务便民热线（24小时）。\n${EMERGENCY}\n回复“菜单”可以继续使用自助服务。`,
};
