import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text normalisation applied to every inbound text before anything reads it: traditional
 * characters → simplified (OpenCC, Hong Kong/Taiwan variants included), full-width digits,
 * letters and symbols → half-width, control characters removed, white space folded. Chinese
 * punctuation (，。！？：；（）) stays as the resident wrote it: it is part of what they said.
 */

const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });
const fromTaiwan = OpenCC.Converter({ from: 'tw', to: 'cn' });

// C0/C1 controls except tab and newline; zero-width and bidi marks; the BOM.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/gu;
// Anything that is a letter, digit or CJK ideograph: the message has something to read.
const READABLE = /[\p{L}\p{N}]/u;

export function toSimplified(text: string): string {
  return fromTaiwan(fromHongKong(text));
}

// Full-width forms (U+FF01–FF5E) mirror ASCII 0x21–0x7E; these are Chinese punctuation and stay.
const KEEP_FULL_WIDTH = new Set([...'！（），：；？～']);
const FULL_WIDTH = /[\uFF01-\uFF5E]/gu;

// Circled numbers ①–⑳ (U+2460–2473), as some residents type option numbers.
const CIRCLED = /[\u2460-\u2473]/gu;

export function toHalfWidth(text: string): string {
  return text
    .replace(FULL_WIDTH, (c) => (KEEP_FULL_WIDTH.has(c) ? c : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(CIRCLED, (c) => String(c.charCodeAt(0) - 0x245f))
    .replace(/\u3000/g, ' ');
}

export function normalizeText(text: string): string {
  const halfWidth = toHalfWidth(text.normalize('NFC'));
  return toSimplified(halfWidth.replace(CONTROL, ''))
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when the text has no letter or digit (empty, emoji-only, punctuation-only). */
export function isUnreadable(text: string): boolean {
  return !READABLE.test(text);
}
