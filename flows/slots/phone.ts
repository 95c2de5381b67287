import { accept, reject, type SlotResult } from './result';

/** A mainland mobile number (11 digits starting 13–19), with spaces, dashes or +86 allowed. */
export function parsePhone(text: string): SlotResult {
  const digits = text.replace(/[\s\-()（）]/g, '').replace(/^(\+?86)/, '');
  if (/^1[3-9]\d{9}$/.test(digits)) return accept(digits);
  if (/^\d+$/.test(digits)) return reject(digits.length !== 11 ? `手机号是11位，您输入了${digits.length}位，请核对一下。` : '这个号码不像手机号，请核对一下。');
  // "手机13812345678" / "我的电话是138 1234 5678": exactly one mobile number among the words.
  const within = [...digits.matchAll(/(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)/g)];
  if (within.length === 1 && within[0]?.[1]) return accept(within[0][1]);
  return reject();
}
