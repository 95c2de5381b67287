import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text normalisation applied to every inbound text before anything reads it: traditional
 * characters → simplified (OpenCC, Hong Kong/Taiwan variants included), full-width digits,
 * letters and punctuation → half-width (NFKC), control characters removed, white space folded.
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

export function normalizeText(text: string): string {
  const halfWidth = text.normalize('NFKC').replace(/\u3000/g, ' ');
  return toSimplified(halfWidth.replace(CONTROL, ''))
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when the text has no letter or digit (empty, emoji-only, punctuation-only). */
export function isUnreadable(text: string): boolean {
  return !READABLE.test(text);
}
