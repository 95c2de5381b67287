import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
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

  it('defaults of fast-xml-parser would have broken these fields (why the options matter)', () => {
    const naive = new XMLParser().parse(fixture('text-leading-zeros.xml')) as { xml: { Content: unknown; MsgId: unknown } };
    expect(naive.xml.Content).not.toBe(' 00123 ');
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

  it('encrypted envelope has Encrypt, MsgSignature, TimeStamp and Nonce', () => {
    const xml = buildEncryptedEnvelope({ encrypt: 'abc=', msgSignature: 'f00', timestamp: '1713424427', nonce: '415670741' });
    expect(xml).toBe('<xml><Encrypt><![CDATA[abc=]]></Encrypt><MsgSignature><![CDATA[f00]]></MsgSignature><TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>');
  });
});
