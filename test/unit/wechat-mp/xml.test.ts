import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEncryptedEnvelope, buildReplyXml, parseIncomingMessage, parseWechatXml, WechatXmlError } from '../../../integrations/wechat-mp/webhook/xml';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/wechat/${name}`, import.meta.url), 'utf8');
const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WechatXmlError) return error.reason;
    throw error;
  }
  return undefined;
};

describe('parseWechatXml', () => {
  it('keeps MsgId a string and CDATA whitespace and leading zeros', () => {
    const msg = parseIncomingMessage(parseWechatXml(fixture('text-leading-zeros.xml')));
    expect(msg.MsgId).toBe('6054768590064713728');
    expect(msg.Content).toBe(' 00123 ');
    expect(msg.CreateTime).toBe('1767574800');
  });

  it('every field is a string, including numbers outside CDATA', () => {
    const fields = parseWechatXml(fixture('location.xml'));
    expect(fields).toMatchObject({ Location_X: '23.134521', Location_Y: '113.358803', Scale: '20', Label: '位置信息' });
    for (const value of Object.values(fields)) expect(typeof value).toBe('string');
  });

  it('refuses DOCTYPE and ENTITY declarations, and never expands the entity', () => {
    expect(reasonOf(() => parseWechatXml(fixture('doctype-entity.xml')))).toBe('doctype');
    expect(reasonOf(() => parseWechatXml('<!ENTITY e "x"><xml/>'))).toBe('doctype');
  });

  it('an entity reference without a DTD stays literal (processEntities: false)', () => {
    const fields = parseWechatXml('<xml><Content>&e;</Content></xml>');
    expect(fields.Content).toBe('&e;');
    expect(JSON.stringify(fields)).not.toContain('BOOM');
  });

  it('decodes the predefined entities in plain text but not inside CDATA', () => {
    const fields = parseWechatXml('<xml><A>x &amp; y &lt;z&gt; &#20320;</A><B><![CDATA[x &amp; y]]></B></xml>');
    expect(fields.A).toBe('x & y <z> 你');
    expect(fields.B).toBe('x &amp; y');
  });

  it('joins split CDATA sections', () => {
    expect(parseWechatXml('<xml><C><![CDATA[a]]]]><![CDATA[>b]]></C></xml>').C).toBe('a]]>b');
  });

  it('malformed XML and a missing <xml> root are errors', () => {
    expect(reasonOf(() => parseWechatXml('<xml><a>1</a>'))).toBe('malformed');
    expect(reasonOf(() => parseWechatXml('not xml'))).toBe('malformed');
    expect(reasonOf(() => parseWechatXml('<root><a>1</a></root>'))).toBe('shape');
  });

  it('the incoming-message schema refuses messages without the common fields', () => {
    expect(reasonOf(() => parseIncomingMessage(parseWechatXml('<xml><MsgType>text</MsgType></xml>')))).toBe('shape');
    expect(reasonOf(() => parseIncomingMessage({ ToUserName: 'a', FromUserName: 'b', CreateTime: 'soon', MsgType: 'text' }))).toBe('shape');
  });

  it('an empty or self-closing element is an empty string', () => {
    expect(parseWechatXml('<xml><A/><B></B><C b="1" /><D>  </D><E><![CDATA[]]></E></xml>')).toEqual({ A: '', B: '', C: '', D: '', E: '' });
  });

  it('an element with child elements is left out, unless it has CDATA of its own (then the CDATA is its value)', () => {
    const scan = '<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>';
    expect(parseWechatXml(`<xml><Event><![CDATA[scancode_push]]></Event>${scan}</xml>`)).toEqual({ Event: 'scancode_push' });
    expect(parseWechatXml('<xml><A>text<B>1</B></A></xml>')).toEqual({});
    expect(parseWechatXml('<xml><A>x<B>1</B><![CDATA[c]]></A></xml>')).toEqual({ A: 'c' });
  });

  it('a name that occurs twice at the top level is left out entirely', () => {
    expect(parseWechatXml('<xml><A>1</A><B/><A>2</A><A>3</A></xml>')).toEqual({ B: '' });
    expect(parseWechatXml('<xml><A><x/></A><A>2</A></xml>')).toEqual({});
  });

  it('mixed text and CDATA: the CDATA sections are the value, the text is dropped', () => {
    expect(parseWechatXml('<xml><A> x <![CDATA[ y ]]> z </A></xml>').A).toBe(' y ');
    expect(parseWechatXml('<xml><A>x<![CDATA[a]]> z <!-- c --><![CDATA[b]]></A></xml>').A).toBe('ab');
  });

  it('plain text is joined across comments, then trimmed (JS whitespace, ideographic space too), then decoded', () => {
    expect(parseWechatXml('<xml><A> a <!-- c --> b </A></xml>').A).toBe('a  b');
    expect(parseWechatXml('<xml><A>\u3000你好\u3000</A></xml>').A).toBe('你好');
    expect(parseWechatXml('<xml><A>&#32;x&#32;</A></xml>').A).toBe(' x ');
    expect(parseWechatXml('<xml><A>&#x1F600;&#0065;&amp;lt;&AMP;</A></xml>').A).toBe('😀A&lt;&AMP;');
  });

  it('line ends are normalised to \\n, in CDATA too', () => {
    expect(parseWechatXml('<xml>\r\n<A><![CDATA[a\r\nb\rc]]></A>\r\n<B>x\r\ny</B></xml>\r\n')).toEqual({ A: 'a\nb\nc', B: 'x\ny' });
  });

  it('accepts a BOM, an XML declaration, comments, whitespace and attributes', () => {
    const body = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><xml id="1">\n\t<A b = "x>y" c=\'"\' d="&amp;">1</A >\n</xml>\n<!-- d -->\n';
    expect(parseWechatXml(body)).toEqual({ A: '1' });
  });

  it('names that shadow Object.prototype methods get a __ prefix (as before); __proto__ and the like are refused', () => {
    expect(parseWechatXml('<xml><toString>x</toString><hasOwnProperty>y</hasOwnProperty></xml>')).toEqual({ __toString: 'x', __hasOwnProperty: 'y' });
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect(reasonOf(() => parseWechatXml(`<xml><A>1</A><${name}>x</${name}></xml>`))).toBe('shape');
    }
    expect(Object.getPrototypeOf(parseWechatXml('<xml><A><__proto__>x</__proto__></A></xml>'))).toBe(Object.prototype);
  });
});

describe('parseWechatXml refuses hostile and malformed input', () => {
  it.each([
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e "BOOM">]><xml><A>&e;</A></xml>'],
    ['a lower-case doctype', '<!doctype xml><xml><A>1</A></xml>'],
    ['an ENTITY inside the root', '<xml><!ENTITY e "x"><A>1</A></xml>'],
    ['a DOCTYPE after a comment', '<!-- x --><!DOCTYPE x><xml><A>1</A></xml>'],
    ['an ENTITY after the first field', '<xml><A>1</A><!entity e "x"></xml>'],
    ['billion laughs', `<!DOCTYPE l [<!ENTITY a "ha">${Array.from({ length: 9 }, (_, k) => `<!ENTITY ${'b'.repeat(k + 1)} "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">`).join('')}]><xml><A>&bbbbbbbbb;</A></xml>`],
  ])('%s → doctype', (_, body) => {
    expect(reasonOf(() => parseWechatXml(body))).toBe('doctype');
  });

  it('a resident may write <!DOCTYPE or <!ENTITY: inside CDATA or a comment it is text, not markup', () => {
    expect(parseWechatXml('<xml><Content><![CDATA[<!DOCTYPE html> 和 <!ENTITY x>]]></Content></xml>')).toEqual({ Content: '<!DOCTYPE html> 和 <!ENTITY x>' });
    expect(parseWechatXml('<!-- <!DOCTYPE x> --><xml><A>1</A></xml>')).toEqual({ A: '1' });
  });

  it.each([
    ['an empty body', ''],
    ['whitespace only', ' \n '],
    ['not XML', 'not xml'],
    ['an unclosed root', '<xml><A>1</A>'],
    ['an unclosed field', '<xml><A>1</xml>'],
    ['mismatched tags', '<xml><A>1</B></xml>'],
    ['a case mismatch', '<xml><A>1</a></xml>'],
    ['a longer end tag', '<xml><A>1</AB></xml>'],
    ['< in text', '<xml><A>a < b</A></xml>'],
    ['a stray ]]> in text', '<xml><A>x ]]> y</A></xml>'],
    ['unterminated CDATA', '<xml><A><![CDATA[x</A></xml>'],
    ['unterminated comment', '<xml><A>x<!-- </A></xml>'],
    ['an unterminated comment after the root', '<xml><A>x</A></xml><!-- c'],
    ['lower-case cdata', '<xml><A><![cdata[x]]></A></xml>'],
    ['<!ELEMENT>', '<xml><!ELEMENT x><A>1</A></xml>'],
    ['a tag name starting with a digit', '<xml><1A>x</1A></xml>'],
    ['a tag name with #', '<xml><#text>x</#text></xml>'],
    ['a space after <', '< xml><A>x</A></xml>'],
    ['a space after </', '<xml><A>x</ A></xml>'],
    ['a slash in an end tag', '<xml><A>x</A/></xml>'],
    ['text after the root', '<xml><A>x</A></xml>trail'],
    ['an element after the root', '<xml><A>x</A></xml><b/>'],
    ['an element before the root', '<a/><xml><A>x</A></xml>'],
    ['two roots', '<xml><A>x</A></xml><xml><B>y</B></xml>'],
    ['an extra end tag', '<xml><A>x</A></xml></xml>'],
    ['non-XML whitespace after the root', '<xml><A>x</A></xml>\u3000'],
    ['a BOM not at the start', '\n\ufeff<xml><A>x</A></xml>'],
    ['a declaration not at the start', ' <?xml version="1.0"?><xml><A>x</A></xml>'],
    ['a second declaration', '<?xml version="1.0"?><?xml version="1.0"?><xml><A>x</A></xml>'],
    ['an unterminated declaration', '<?xml version="1.0"<xml><A>x</A></xml>'],
    ['a processing instruction', '<xml><?pi x?><A>x</A></xml>'],
    ['an unquoted attribute', '<xml><A b=2>x</A></xml>'],
    ['an attribute without a value', '<xml><A b>x</A></xml>'],
    ['a repeated attribute', '<xml><A b="1" b="2">x</A></xml>'],
    ['attributes without a space between', '<xml><A b="1"c="2">x</A></xml>'],
    ['< in an attribute value', '<xml><A b="<">x</A></xml>'],
    ['an unclosed attribute value', '<xml><A b="1>x</A></xml>'],
    ['a bare &', '<xml><A>a & b</A></xml>'],
    ['& without ;', '<xml><A>&amp</A></xml>'],
    ['an empty character reference', '<xml><A>&#;</A></xml>'],
    ['&#X (upper-case x)', '<xml><A>&#X41;</A></xml>'],
    ['a code point above U+10FFFF', '<xml><A>&#x110000;</A></xml>'],
    ['a huge decimal reference', '<xml><A>&#12345678901;</A></xml>'],
    ['an entity name over 20 characters', '<xml><A>&abcdefghijabcdefghijk;</A></xml>'],
    ['a bad reference in an attribute', '<xml><A b="&">x</A></xml>'],
    ['nesting deeper than 32', `<xml>${'<a>'.repeat(32)}x${'</a>'.repeat(32)}</xml>`],
  ])('%s → malformed', (_, body) => {
    expect(reasonOf(() => parseWechatXml(body))).toBe('malformed');
  });

  it.each([
    ['another root', '<root><a>1</a></root>'],
    ['<XML>', '<XML><A>x</A></XML>'],
    ['an empty <xml/>', '<xml/>'],
    ['<xml> with only a comment', '<xml><!-- c --></xml>'],
  ])('%s → shape', (_, body) => {
    expect(reasonOf(() => parseWechatXml(body))).toBe('shape');
  });

  it.each([
    ["web WeChat's marker directly inside <xml>", '<xml><A><![CDATA[x]]></A>webwx_msg_cli_ver_0x1</xml>'],
    ['text directly inside <xml>', '<xml>text<A>x</A></xml>'],
    ['CDATA directly inside <xml>', '<xml><![CDATA[c]]><A>x</A></xml>'],
  ])('%s is tolerated: ignored, the fields read as usual', (_, body) => {
    expect(parseWechatXml(body)).toEqual({ A: 'x' });
  });

  it('malformed wins over shape', () => {
    expect(reasonOf(() => parseWechatXml('<root><a>1</a></root>x'))).toBe('malformed');
  });

  it('nesting up to 32 deep (the root included) is fine', () => {
    expect(parseWechatXml(`<xml><A>1</A>${'<a>'.repeat(31)}x${'</a>'.repeat(31)}</xml>`)).toEqual({ A: '1' });
  });

  it('64 KB documents, hostile repetitions included, finish with a result or a WechatXmlError', () => {
    const big = 64 * 1024;
    const content = '办事指南 00123 &amp; '.repeat(big / 20);
    expect(parseWechatXml(`<xml><Content><![CDATA[${content}]]></Content></xml>`).Content).toBe(content);
    expect(parseWechatXml(`<xml><Content>${content}</Content></xml>`).Content).toBe(content.replaceAll('&amp;', '&').trim());
    const many = Array.from({ length: 3000 }, (_, k) => `<F${k}>${k}</F${k}>`).join('\n');
    expect(Object.keys(parseWechatXml(`<xml>${many}</xml>`))).toHaveLength(3000);
    expect(parseWechatXml(`<xml><A>${']'.repeat(big)}</A></xml>`).A).toHaveLength(big);
    expect(parseWechatXml(`<xml><A>&#${'0'.repeat(big)}65;</A></xml>`).A).toBe('A');
    expect(parseWechatXml(`<xml><A${Array.from({ length: big / 12 }, (_, k) => ` a${k}="1"`).join('')}>x</A></xml>`).A).toBe('x');
    expect(parseWechatXml(`<xml><A${' '.repeat(big)}>x</A></xml>`).A).toBe('x');
    expect(parseWechatXml(`<xml>${'<a/>'.repeat(big / 4)}</xml>`)).toEqual({});
    for (const body of [
      `<xml><A>${'&#x'.repeat(big / 3)}</A></xml>`,
      `<xml>${'<!--'.repeat(big / 4)}</xml>`,
      `<xml>${'<![CDATA['.repeat(big / 9)}</xml>`,
      `<xml>${'<a>'.repeat(big / 3)}</xml>`,
      `<xml><A>${'&amp'.repeat(big / 4)}</A></xml>`,
    ]) {
      expect(reasonOf(() => parseWechatXml(body))).toBe('malformed');
    }
  });
});

describe('reply XML', () => {
  const header = { toUser: 'oResident', fromUser: 'gh_banshi', createTime: 1767574800.9 };
  const parse = (xml: string) => parseWechatXml(xml);

  it('text: To/From swapped by the caller, integer CreateTime, content with ]]> survives', () => {
    const xml = buildReplyXml(header, { kind: 'text', content: 'a]]>b 你好' });
    expect(xml).toContain('<![CDATA[a]]]]><![CDATA[>b 你好]]>');
    expect(xml).toContain('<CreateTime>1767574800</CreateTime>');
    expect(parse(xml)).toMatchObject({ ToUserName: 'oResident', FromUserName: 'gh_banshi', MsgType: 'text', Content: 'a]]>b 你好' });
  });

  it('news: one article with title, description, picture and URL', () => {
    const xml = buildReplyXml(header, { kind: 'news', articles: [{ title: '办事指南', description: '公积金', url: 'https://x.gov.cn/a', picUrl: 'https://x.gov.cn/p.jpg' }] });
    expect(xml).toContain('<ArticleCount>1</ArticleCount>');
    expect(xml).toContain('<Articles><item><Title><![CDATA[办事指南]]></Title><Description><![CDATA[公积金]]></Description><PicUrl><![CDATA[https://x.gov.cn/p.jpg]]></PicUrl><Url><![CDATA[https://x.gov.cn/a]]></Url></item></Articles>');
    expect(parse(xml).MsgType).toBe('news');
  });

  it('image: MediaId inside <Image>', () => {
    expect(buildReplyXml(header, { kind: 'image', mediaId: 'M1' })).toContain('<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[M1]]></MediaId></Image>');
  });

  it('round trip: parseWechatXml reads back what buildReplyXml writes', () => {
    const content = 'a]]>b ]]]]> 你好，请携带身份证 😀👍🏻 <b>&amp;</b> " \' \n 00123 ';
    expect(parse(buildReplyXml(header, { kind: 'text', content }))).toEqual({
      ToUserName: 'oResident', FromUserName: 'gh_banshi', CreateTime: '1767574800', MsgType: 'text', Content: content,
    });
    expect(parse(buildReplyXml(header, { kind: 'image', mediaId: 'M]]>1' }))).toEqual({
      ToUserName: 'oResident', FromUserName: 'gh_banshi', CreateTime: '1767574800', MsgType: 'image',
    });
    const news = buildReplyXml(header, { kind: 'news', articles: [{ title: '办事]]>指南', url: 'https://x.gov.cn/a?b=1&c=2' }, { title: '😀', url: 'u' }] });
    expect(parse(news)).toEqual({ ToUserName: 'oResident', FromUserName: 'gh_banshi', CreateTime: '1767574800', MsgType: 'news', ArticleCount: '2' });
    expect(news).toContain('<item><Title><![CDATA[办事]]]]><![CDATA[>指南]]></Title><Description><![CDATA[]]></Description><PicUrl><![CDATA[]]></PicUrl><Url><![CDATA[https://x.gov.cn/a?b=1&c=2]]></Url></item>');
    const envelope = buildEncryptedEnvelope({ encrypt: 'abc=', msgSignature: 'f00', timestamp: '1713424427', nonce: '415670741' });
    expect(parse(envelope)).toEqual({ Encrypt: 'abc=', MsgSignature: 'f00', TimeStamp: '1713424427', Nonce: '415670741' });
  });

  it('plain (non-CDATA) values are escaped', () => {
    expect(buildEncryptedEnvelope({ encrypt: 'a', msgSignature: 'b', timestamp: '<&>\'"', nonce: 'n' })).toContain('<TimeStamp>&lt;&amp;&gt;&apos;&quot;</TimeStamp>');
  });

  it('encrypted envelope has Encrypt, MsgSignature, TimeStamp and Nonce', () => {
    const xml = buildEncryptedEnvelope({ encrypt: 'abc=', msgSignature: 'f00', timestamp: '1713424427', nonce: '415670741' });
    expect(xml).toBe('<xml><Encrypt><![CDATA[abc=]]></Encrypt><MsgSignature><![CDATA[f00]]></MsgSignature><TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>');
  });
});
