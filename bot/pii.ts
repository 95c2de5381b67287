/**
 * Masking of personal information (resident ID numbers, mainland mobile numbers, street
 * addresses) for logs, the console and analytics. Applied to every log line by bot/logger.ts.
 */

// The patterns are exported for adapters that replace rather than mask (integrations/llm: placeholders).
// 18-digit resident ID (17 digits + digit or X), not part of a longer digit run; residents
// also write it grouped 6-8-4 with spaces or dashes.
export const ID_NUMBER = /(?<![0-9A-Za-z])([1-9]\d{2})\d{3}[- ]?\d{8}[- ]?(\d{3}[\dXx])(?![0-9A-Za-z])/g;
// Mainland mobile: 1[3-9]x, 11 digits, optionally +86/86 prefixed, not part of a longer digit run;
// also grouped 3-4-4 with spaces or dashes ("138 1234 5678"), as residents type it.
export const MOBILE = /(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)/g;
// Landline with area code: 0xx(x)-xxxxxxx(x).
export const LANDLINE = /(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)/g;
// House numbers after a road/street/community name: keep the road, hide the number and what follows.
const ADDRESS = /([\u4e00-\u9fa5]{1,12}(?:路|街|巷|道|胡同|村|小区|花园|家园|公寓|大厦|苑|里|弄))([\dA-Za-z\-一二三四五六七八九十百零〇]+(?:号|栋|幢|号楼|单元|室|楼|层|排|户)[\dA-Za-z\-号栋幢单元室楼层排户一二三四五六七八九十]*)/g;

export function maskIdNumber(text: string): string {
  return text.replace(ID_NUMBER, (_m, head: string, tail: string) => `${head}${'*'.repeat(11)}${tail.slice(-2).padStart(4, '*')}`);
}

export function maskPhone(text: string): string {
  return text
    .replace(MOBILE, (_m, head: string, tail: string) => `${head}****${tail}`)
    .replace(LANDLINE, (_m, head: string, tail: string) => `${head}****${tail}`);
}

// Everyday words that end like a road name ("知道3号" is a date, "这里2楼" a direction).
const NOT_A_ROAD = /(?:知道|这里|那里|哪里|心里|家里)$/u;

export function maskAddress(text: string): string {
  return text.replace(ADDRESS, (match, road: string) => (NOT_A_ROAD.test(road) ? match : `${road}***`));
}

/** Masks every kind of personal information this module knows in a string. */
export function maskPii(text: string): string {
  return maskAddress(maskPhone(maskIdNumber(text)));
}
