import { createHmac, randomBytes } from 'node:crypto';

/**
 * The person behind a booking, handled as little as possible: the ID number is kept only as a
 * keyed hash (per-person rules) and shown masked; the age comes from its birth date.
 */

/** A keyed hash of an ID number: the same person gets the same key wherever the secret is the same. */
export function personKey(idNumber: string, secret: string): string {
  return createHmac('sha256', secret).update(idNumber.toUpperCase()).digest('base64url').slice(0, 24);
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The birth date in an 18-digit ID number, `YYYY-MM-DD`. */
export function birthDateOf(idNumber: string): string {
  return `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
}

/** Full years of age on `date` (`YYYY-MM-DD`). */
export function ageOn(idNumber: string, date: string): number {
  const birth = birthDateOf(idNumber);
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) >= birth.slice(5) ? years : years - 1;
}

/** 「6501**********1234」 */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 4)}${'*'.repeat(Math.max(0, idNumber.length - 8))}${idNumber.slice(-4)}`;
}

/** 「139****5678」 */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** 「张*兰」, 「李*」, 「阿依古丽·*」 */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (name.includes('·')) return `${name.split('·')[0]}·*`;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}
