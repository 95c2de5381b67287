import { isXmlForbiddenCodePoint, stripXmlForbidden } from './xml-chars';

/**
 * A strict, single-pass reader for WeChat's XML: one `<xml>` root whose child elements become
 * string fields. No DTDs, no entities beyond the five predefined ones and character references,
 * a depth limit, and linear work in the input length. Lenient where refusing would cost a
 * resident their message: characters XML forbids (raw or as `&#…;`) are dropped from values,
 * and stray text directly inside `<xml>` (web WeChat's `webwx_msg_cli_ver_0x1`) is ignored.
 */

export class WechatXmlError extends Error {
  override name = 'WechatXmlError';
  constructor(
    readonly reason: 'doctype' | 'malformed' | 'shape',
    message: string,
  ) {
    super(`wechat xml: ${message}`);
  }
}

const MAX_DEPTH = 32;
/** Field names that would be unsafe as object keys; refused. */
const CRITICAL = new Set(['__proto__', 'constructor', 'prototype']);
/** Field names that shadow Object.prototype methods; stored as `__name`, as fast-xml-parser did. */
const RENAMED = new Set(['hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const [TAB, LF, SPACE, DQ, HASH, AMP, SQ, SLASH, SEMI, LT, EQ, GT, QM, RBRACKET, UNDERSCORE] = [9, 10, 32, 34, 35, 38, 39, 47, 59, 60, 61, 62, 63, 93, 95];

const isSpace = (c: number) => c === SPACE || c === LF || c === TAB; // CR is normalised away first
const isAsciiLetter = (c: number) => (c | 0x20) >= 97 && (c | 0x20) <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordChar = (c: number) => isAsciiLetter(c) || isDigit(c) || c === UNDERSCORE;

/** XML 1.0 NameStartChar, limited to the BMP (as fast-xml-parser's validator). */
function isNameStart(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c) || c === UNDERSCORE || c === 58;
  return (
    (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d || (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd)
  );
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c) || c === 45 || c === 46 || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** A character reference's character, or nothing for one XML forbids (`&#1;`, `&#xFFFE;`, `&#xD800;`). */
function character(code: number): string {
  return isXmlForbiddenCodePoint(code) ? '' : String.fromCodePoint(code);
}

/** Decodes references in text the reader has validated: predefined entities and numeric ones; other names stay literal. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return character(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return character(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/**
 * Parses a `<xml>…</xml>` document into its top-level fields, each a string. Plain text is trimmed
 * and decoded; CDATA is kept exactly, and when an element has CDATA, its CDATA sections (joined)
 * are its value. An element with child elements (ScanCodeInfo …) and a name that occurs twice are
 * left out: nothing we map reads them.
 */
export function parseWechatXml(body: string): Record<string, string> {
  return new Reader(body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body).document();
}

class Reader {
  private i = 0;
  private selfClosing = false;
  private shapeProblem: string | undefined;
  private omitted: Set<string> | undefined;

  constructor(private readonly s: string) {}

  document(): Record<string, string> {
    const s = this.s;
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    if (s.startsWith('<?xml', this.i) && (isSpace(s.charCodeAt(this.i + 5)) || s.charCodeAt(this.i + 5) === QM)) {
      const end = s.indexOf('?>', this.i + 5);
      if (end < 0 || s.slice(this.i + 5, end).includes('<')) this.fail('unterminated XML declaration');
      this.i = end + 2;
    }
    this.misc();
    const fields = this.root();
    this.misc();
    if (this.i < s.length) this.fail('content after the root element');
    if (this.shapeProblem) throw new WechatXmlError('shape', this.shapeProblem);
    return fields;
  }

  /** Reads the root element and collects the fields of its child elements. */
  private root(): Record<string, string> {
    const s = this.s;
    const fields: Record<string, string> = {};
    if (s.charCodeAt(this.i) !== LT) this.fail('expected the root element');
    const rootName = this.startTag();
    if (rootName !== 'xml') this.shape(`the root is <${rootName}>, not <xml>`);
    const stack = this.selfClosing ? [] : [rootName];
    let children = 0;
    // The child of the root being read: its name, text runs, CDATA sections, and whether it has child elements.
    let field = '';
    let text = '';
    let cdata: string | undefined;
    let nested = false;
    while (stack.length > 0) {
      const depth = stack.length;
      if (this.i >= s.length) this.fail(`unclosed <${stack[depth - 1]}>`);
      if (s.charCodeAt(this.i) !== LT) {
        const start = this.i;
        this.text();
        // Text directly inside <xml> is no field: ignored (web WeChat sent a marker there).
        if (depth === 2) text += s.slice(start, this.i);
      } else if (s.charCodeAt(this.i + 1) === SLASH) {
        this.endTag(stack.pop()!);
        if (depth === 2) this.addField(fields, field, cdata ?? (nested ? undefined : decode(text.trim())));
      } else if (s.startsWith('<!--', this.i)) {
        this.comment();
      } else if (s.startsWith('<![CDATA[', this.i)) {
        const value = this.cdata();
        if (depth === 2) cdata = cdata === undefined ? value : cdata + value;
      } else {
        if (depth >= MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
        const name = this.startTag();
        if (!this.selfClosing) stack.push(name);
        if (depth === 2) nested = true;
        if (depth !== 1) continue;
        children++;
        field = name;
        text = '';
        cdata = undefined;
        nested = false;
        if (this.selfClosing) this.addField(fields, name, '');
      }
    }
    if (children === 0) this.shape('<xml> has no fields');
    return fields;
  }

  /** A repeated name, or an element with child elements and no CDATA (`value` undefined), is left out. */
  private addField(fields: Record<string, string>, name: string, value: string | undefined): void {
    if (CRITICAL.has(name)) return this.shape(`field name <${name}> is refused`);
    const key = RENAMED.has(name) ? `__${name}` : name;
    if (Object.hasOwn(fields, key)) {
      delete fields[key];
      (this.omitted ??= new Set()).add(key);
    } else if (value === undefined) (this.omitted ??= new Set()).add(key);
    else if (!this.omitted?.has(key)) fields[key] = stripXmlForbidden(value);
  }

  /** At `<`: reads a start tag (attributes are checked and ignored) and returns its name; sets selfClosing. */
  private startTag(): string {
    const s = this.s;
    // Markup declarations are refused as such (a resident's CDATA text may mention them freely).
    if (s.charCodeAt(this.i + 1) === 33 && /^<!(DOCTYPE|ENTITY)/i.test(s.slice(this.i, this.i + 9))) {
      throw new WechatXmlError('doctype', 'DOCTYPE and ENTITY declarations are refused');
    }
    this.i++;
    const name = this.name('element');
    let attributes: Set<string> | undefined;
    for (;;) {
      const spaced = this.spaces();
      const c = s.charCodeAt(this.i);
      if (c === GT || (c === SLASH && s.charCodeAt(this.i + 1) === GT)) {
        this.selfClosing = c === SLASH;
        this.i += this.selfClosing ? 2 : 1;
        return name;
      }
      if (!spaced) this.fail(`bad start tag <${name}>`);
      const attribute = this.name('attribute');
      this.spaces();
      if (s.charCodeAt(this.i) !== EQ) this.fail(`attribute ${attribute} without a value`);
      this.i++;
      this.spaces();
      const quote = s.charCodeAt(this.i);
      if (quote !== DQ && quote !== SQ) this.fail(`attribute ${attribute} is not quoted`);
      const end = s.indexOf(quote === DQ ? '"' : "'", this.i + 1);
      if (end < 0) this.fail(`attribute ${attribute} is not closed`);
      for (let j = this.i + 1; j < end; ) {
        const v = s.charCodeAt(j);
        if (v === LT) this.fail(`< in attribute ${attribute}`, j);
        j = v === AMP ? this.reference(j) : j + 1;
      }
      if (attributes?.has(attribute)) this.fail(`attribute ${attribute} repeated`);
      (attributes ??= new Set()).add(attribute);
      this.i = end + 1;
    }
  }

  /** At `</`: reads the end tag of `name`. */
  private endTag(name: string): void {
    const s = this.s;
    const start = this.i;
    this.i += 2;
    if (!s.startsWith(name, this.i)) this.fail(`expected </${name}>`, start);
    this.i += name.length;
    this.spaces();
    if (s.charCodeAt(this.i) !== GT) this.fail(`expected </${name}>`, start);
    this.i++;
  }

  private name(what: string): string {
    const s = this.s;
    const start = this.i;
    if (!isNameStart(s.charCodeAt(start))) this.fail(`invalid ${what} name`);
    let i = start + 1;
    while (isNameChar(s.charCodeAt(i))) i++;
    this.i = i;
    return s.slice(start, i);
  }

  /** Character data up to the next `<`: every `&` starts a well-formed reference, and `]]>` is refused. */
  private text(): void {
    const s = this.s;
    let i = this.i;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === LT) break;
      if (c === AMP) i = this.reference(i);
      else if (c === RBRACKET && s.startsWith(']]>', i)) this.fail(']]> in text', i);
      else i++;
    }
    this.i = i;
  }

  /** At `&`: checks `&#digits;`, `&#xhex;` (a code point) or `&name;` (1–20 word characters); returns the index after `;`. */
  private reference(at: number): number {
    const s = this.s;
    let i = at + 1;
    if (s.charCodeAt(i) === HASH) {
      const hex = s.charCodeAt(++i) === 120;
      if (hex) i++;
      const first = i;
      let code = 0;
      for (; ; i++) {
        const c = s.charCodeAt(i);
        const digit = isDigit(c) ? c - 48 : hex && (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
        if (digit < 0) break;
        code = code * (hex ? 16 : 10) + digit;
        if (code > 0x10ffff) this.fail('character reference out of range', at);
      }
      if (i === first || s.charCodeAt(i) !== SEMI) this.fail('bad character reference', at);
      return i + 1;
    }
    while (isWordChar(s.charCodeAt(i)) && i - at <= 20) i++;
    if (i === at + 1 || s.charCodeAt(i) !== SEMI) this.fail('bad entity reference', at);
    return i + 1;
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.i + 4);
    if (end < 0) this.fail('unterminated comment');
    this.i = end + 3;
  }

  private cdata(): string {
    const end = this.s.indexOf(']]>', this.i + 9);
    if (end < 0) this.fail('unterminated CDATA');
    const value = this.s.slice(this.i + 9, end);
    this.i = end + 3;
    return value;
  }

  /** Whitespace and comments outside the root. */
  private misc(): void {
    for (;;) {
      this.spaces();
      if (!this.s.startsWith('<!--', this.i)) return;
      this.comment();
    }
  }

  private spaces(): boolean {
    const start = this.i;
    while (isSpace(this.s.charCodeAt(this.i))) this.i++;
    return this.i > start;
  }

  private shape(message: string): void {
    this.shapeProblem ??= message;
  }

  private fail(message: string, at = this.i): never {
    throw new WechatXmlError('malformed', `${message} at ${at}`);
  }
}
