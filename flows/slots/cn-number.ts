const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 两: 2, 贰: 2, 三: 3, 叁: 3, 四: 4, 肆: 4, 五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9 };
const UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000, 万: 10000 };

/** Parses a Chinese numeral below 100 million ("十二", "二十三", "一百零五", "两千"), or undefined. */
export function parseChineseNumber(text: string): number | undefined {
  if (!text || ![...text].every((c) => c in DIGITS || c in UNITS)) return undefined;
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const c of text) {
    if (c in DIGITS) {
      digit = DIGITS[c] ?? 0;
      continue;
    }
    const unit = UNITS[c] ?? 1;
    if (unit === 10000) {
      total += (section + Math.max(digit, 0)) * unit;
      section = 0;
    } else {
      section += (digit === -1 ? 1 : digit) * unit;
    }
    digit = -1;
  }
  return total + section + Math.max(digit, 0);
}

/** An Arabic or Chinese number as written by a resident ("3", "三", "十二"). */
export function parseLooseNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return parseChineseNumber(t);
}
