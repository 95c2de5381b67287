/**
 * Characters XML 1.0 forbids (the `Char` production): C0 controls other than tab, LF and CR,
 * U+FFFE, U+FFFF and surrogates that are not part of a pair. A reply holding one is refused by
 * the platform's parser (the resident sees "该公众号暂时无法提供服务"), so none is let through.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** `text` without the characters XML forbids; the same string when it has none (the usual case). */
export function stripXmlForbidden(text: string): string {
  return FORBIDDEN.test(text) ? text.replace(FORBIDDEN_ALL, '') : text;
}

/** True for a code point XML forbids, e.g. the target of `&#1;` or `&#xFFFE;`. */
export function isXmlForbiddenCodePoint(code: number): boolean {
  return code < 0x20 ? code !== 0x09 && code !== 0x0a && code !== 0x0d : code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff);
}
