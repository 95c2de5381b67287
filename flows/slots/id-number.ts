import { isRealDate } from './calendar';
import { accept, reject, type SlotResult } from './result';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The GB 11643 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return CHECK[sum % 11] ?? '';
}

/** An 18-character resident ID number with a valid birth date and check character. */
export function parseIdNumber(text: string, now: number): SlotResult {
  const id = text.replace(/[\s-]/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    const digits = id.replace(/[^\dX]/g, '').length;
    return reject(digits > 0 && digits !== 18 ? `身份证号码是18位，您输入了${digits}位，请核对一下。` : '请输入18位居民身份证号码。');
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (!isRealDate(y, m, d) || y < 1900 || Date.UTC(y, m - 1, d) > now) return reject('号码里的出生日期不对，请核对一下。');
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return reject('号码最后一位（校验位）对不上，可能有一位输错了，请核对一下。');
  return accept(id);
}
