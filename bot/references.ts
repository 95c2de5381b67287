import { localYmd } from '../flows/slots/calendar';
import { REFERENCE_PREFIXES, type ReferenceKind } from './ports';

/**
 * Reference numbers residents are given (意见建议 YJ…, later work orders GD… and bookings YY…):
 *
 *   YJ 20261201 00017 3
 *   │  │        │     └ check digit (Damm) over the date and serial digits
 *   │  │        └ that day's serial for the prefix, from 1, at least 5 digits (more after 99,999)
 *   │  └ the day in Asia/Shanghai
 *   └ prefix of the kind (`REFERENCE_PREFIXES`)
 *
 * The Damm check digit catches every single wrong digit and every swap of two adjacent digits,
 * so a number a resident types in later (a progress lookup) can be checked before it is looked up.
 */

/** How long counters and issued keys are kept: past their day, with room for clocks around midnight. */
export const REFERENCE_TTL_SECONDS = 3 * 86_400;

/** The time zone of the date in a reference (fixed: numbers must not depend on a setting). */
export const REFERENCE_TIME_ZONE = 'Asia/Shanghai';

const SERIAL_DIGITS = 5;

// The Damm quasigroup of order 10 (Damm 2004), as used for ISO/IEC 7064-style check digits.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

/** The Damm check digit of a string of decimal digits. */
export function dammDigit(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim]![ch.charCodeAt(0) - 48]!;
  return interim;
}

/** `YYYYMMDD` of the day `at` (epoch ms) falls on in Asia/Shanghai. */
export function referenceDay(at: number): string {
  return localYmd(at, REFERENCE_TIME_ZONE).replaceAll('-', '');
}

/** Builds a reference from its parts; `serial` ≥ 1. */
export function formatReference(kind: ReferenceKind, day: string, serial: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`formatReference(): day must be YYYYMMDD (got ${day})`);
  if (!Number.isSafeInteger(serial) || serial < 1) throw new RangeError(`formatReference(): serial must be a whole number >= 1 (got ${serial})`);
  const digits = `${day}${String(serial).padStart(SERIAL_DIGITS, '0')}`;
  return `${REFERENCE_PREFIXES[kind]}${digits}${dammDigit(digits)}`;
}

export interface ParsedReference {
  /** The reference as issued (upper case, no spaces). */
  reference: string;
  kind: ReferenceKind;
  prefix: string;
  /** `YYYY-MM-DD` in Asia/Shanghai. */
  date: string;
  serial: number;
}

const KIND_OF_PREFIX = new Map(Object.entries(REFERENCE_PREFIXES).map(([kind, prefix]) => [prefix as string, kind as ReferenceKind]));
const SHAPE = /^([A-Z]{2})(\d{4})(\d{2})(\d{2})(\d{5,12})(\d)$/;

/**
 * Reads a reference as a resident might type it — lower case, full-width (ＹＪ２０２６…), with
 * spaces or dashes — and checks it: a known prefix, a real date, a serial and a matching check
 * digit. Undefined when any of these fails (a mistyped number never reaches a lookup).
 */
export function parseReference(text: string): ParsedReference | undefined {
  const compact = text.normalize('NFKC').toUpperCase().replace(/[\s\-_]/g, '');
  const m = SHAPE.exec(compact);
  if (!m) return undefined;
  const [, prefix, year, month, day, serial, check] = m as unknown as [string, string, string, string, string, string, string];
  const kind = KIND_OF_PREFIX.get(prefix);
  if (kind === undefined) return undefined;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return undefined;
  if (serial.length > SERIAL_DIGITS && serial.startsWith('0')) return undefined; // serials are padded to 5 digits only
  if (Number(serial) < 1) return undefined;
  if (dammDigit(`${year}${month}${day}${serial}`) !== Number(check)) return undefined;
  return { reference: compact, kind, prefix, date: `${year}-${month}-${day}`, serial: Number(serial) };
}

/** True when `text` is a well-formed reference with a matching check digit. */
export function validReference(text: string): boolean {
  return parseReference(text) !== undefined;
}
