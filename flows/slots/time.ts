import { parseLooseNumber } from './cn-number';
import { accept, reject, type SlotResult } from './result';

const PERIODS: [RegExp, string][] = [
  [/上午|早上|早晨|上半天/u, '上午'],
  [/中午/u, '中午'],
  [/下午|下半天/u, '下午'],
  [/晚上|傍晚/u, '晚上'],
];

/**
 * A time or a period: "上午"/"下午" → the period; "9点", "9:30", "下午3点半", "15点" → "HH:mm".
 */
export function parseTime(text: string): SlotResult {
  const t = text.replace(/\s+/g, '');
  const period = PERIODS.find(([re]) => re.test(t))?.[1];
  const clock = /(\d{1,2}|[零一二两三四五六七八九十]{1,3})(?:[:：](\d{2})|点(半|(\d{1,2}|[零一二三四五六七八九十]{1,3})分?)?)/u.exec(t);
  if (clock) {
    let hour = parseLooseNumber(clock[1] ?? '') ?? -1;
    const minute = clock[2] ? Number(clock[2]) : clock[3] === '半' ? 30 : clock[4] ? (parseLooseNumber(clock[4]) ?? -1) : 0;
    if ((period === '下午' || period === '晚上') && hour >= 1 && hour < 12) hour += 12;
    // 晚上12点 is midnight, not noon.
    else if (period === '晚上' && hour === 12) hour = 0;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return reject('这个时间不对，请说像“上午10点”或“14:30”这样的时间。');
    return accept(`${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
  }
  return period ? accept(period) : reject();
}
