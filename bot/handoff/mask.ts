import { maskPii } from '../pii';

// WeChat OpenIDs/UnionIDs and personal WeChat ids: never shown to agents.
const OPENID = /(?<![A-Za-z0-9_-])(?:o[A-Za-z0-9_-]{27}|wxid_[A-Za-z0-9_-]{6,40})(?![A-Za-z0-9_-])/g;

/** Masks ID numbers, phones, street addresses and WeChat ids in a text the console shows. */
export function maskText(text: string): string {
  return maskPii(text).replace(OPENID, '[微信号已隐藏]');
}

/** Whether `text` holds anything the console masks (then it offers 显示 with a reason). */
export function hasMaskable(text: string): boolean {
  return maskText(text) !== text;
}

/**
 * Every string in a JSON value masked: what the console's API and event stream send, so no
 * payload can carry an unmasked ID number or phone unless it is a reveal.
 */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  return value;
}
