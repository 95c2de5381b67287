/**
 * Masking of personal information (resident ID numbers, mainland phone numbers, street
 * addresses) for logs, the console and analytics. Applied to every log line by bot/logger.ts.
 *
 * Patterns run on a copy of the text with full-width digits, letters and separators folded to
 * ASCII (same length, so positions carry over); what is kept of a match is copied from the
 * original, so "１３８****５６７８" stays full-width.
 */

import { ADDRESS_SOURCE, HOUSE_REST, NOT_A_ROAD } from '../flows/slots/address';

// Birth dates inside ID numbers: YYYYMMDD (18 digits) or YYMMDD (15 digits, first generation).
const MONTH_DAY = '(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
// Letters are not a boundary ("ID11010519491231002X"); a longer digit run is (order and message
// numbers). The birth date must be a real one, which keeps 18-digit message ids readable.
const ID_18 = new RegExp(`(?<!\\d)([1-8]\\d{2})\\d{3}[- ]?(?:19|20)\\d{2}${MONTH_DAY}[- ]?\\d(\\d{2}[\\dXx])(?!\\d)`, 'dg');
const ID_15 = new RegExp(`(?<!\\d)([1-8]\\d{2})\\d{3}[- ]?\\d{2}${MONTH_DAY}[- ]?\\d(\\d{2})(?!\\d)`, 'dg');
// Mainland mobile: 1[3-9]x, 11 digits, optionally +86/86 prefixed; also grouped 3-4-4 with
// spaces, dashes or dots ("138 1234 5678", "139.1234.5678"), as residents type it.
const MOBILE = /(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- .]?\d{4}[- .]?(\d{4})(?!\d)/dg;
// Landline with area code: 0xx(x)-xxxxxxx(x), the area code optionally in brackets.
const LANDLINE = /(?<!\d)(\(?0\d{2,3}\)?-?)\d{3,4}(\d{4})(?!\d)/dg;

/**
 * The patterns of personal numbers, for adapters that replace rather than mask (integrations/llm
 * puts placeholders in prompts). Global regular expressions: use with `String.replace`.
 */
export const PERSONAL_NUMBER_PATTERNS: { kind: 'ID' | 'PHONE'; pattern: RegExp }[] = [
  { kind: 'ID', pattern: ID_18 },
  { kind: 'ID', pattern: ID_15 },
  { kind: 'PHONE', pattern: MOBILE },
  { kind: 'PHONE', pattern: LANDLINE },
];

// House numbers after a road/street/community name: keep the road, hide the number and what follows.
const ADDRESS = new RegExp(ADDRESS_SOURCE, 'dg');
// Building, unit and room without a road ("3号楼2单元501室", "12栋301"): two numbers at least,
// so "3号楼" or "第3号窗口" alone stay.
const BUILDING = new RegExp(`(?<![\\dA-Za-z])()[\\dA-Za-z一二三四五六七八九十]+(?:号楼|栋|幢|座|单元)-?\\d+${HOUSE_REST}`, 'dg');

/** Full-width digits, letters and punctuation to ASCII, the ideographic space to a space. */
function fold(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

type Render = (part: (group: number) => string, whole: string) => string;

/** Replaces every match of `pattern` (run on the folded text) with `render`, reading groups from the original. */
function maskMatches(text: string, pattern: RegExp, render: Render): string {
  const folded = fold(text);
  let out = '';
  let last = 0;
  for (const match of folded.matchAll(pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    const part = (group: number): string => {
      const range = match.indices?.[group];
      return range ? text.slice(range[0], range[1]) : '';
    };
    out += text.slice(last, start) + render(part, text.slice(start, end));
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

export function maskIdNumber(text: string): string {
  const keep = (stars: number): Render => (part) => `${part(1)}${'*'.repeat(stars)}${part(2).slice(-2)}`;
  return maskMatches(maskMatches(text, ID_18, keep(13)), ID_15, keep(10));
}

export function maskPhone(text: string): string {
  const mobile = maskMatches(text, MOBILE, (part) => `${part(1)}****${part(2)}`);
  return maskMatches(mobile, LANDLINE, (part) => `${part(1)}****${part(2)}`);
}

export function maskAddress(text: string): string {
  const roads = maskMatches(text, ADDRESS, (part, whole) => (NOT_A_ROAD.test(part(1)) ? whole : `${part(1)}***`));
  return maskMatches(roads, BUILDING, () => '***');
}

/** Masks every kind of personal information this module knows in a string. */
export function maskPii(text: string): string {
  return maskAddress(maskPhone(maskIdNumber(text)));
}
