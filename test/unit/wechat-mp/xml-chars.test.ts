import { describe, expect, it } from 'vitest';
import { normalizeReplies } from '../../../integrations/wechat-mp/webhook/render';
import { buildEncryptedEnvelope, buildReplyXml, parseWechatXml, type ReplyBody } from '../../../integrations/wechat-mp/webhook/xml';
import { isXmlForbiddenCodePoint, stripXmlForbidden } from '../../../integrations/wechat-mp/webhook/xml-chars';
import { strictXmlProblems } from '../../fixtures/wechat/harness';
import { FORBIDDEN_CHARS, FORBIDDEN_PATTERN, hostileText, prng } from '../../fixtures/wechat/hostile-text';

const header = { toUser: 'oResident', fromUser: 'gh_banshi', createTime: 1767574800 };

describe('characters XML forbids', () => {
  it('the set is exactly XML 1.0 Char’s complement below U+10000 (tab, LF, CR and the rest allowed)', () => {
    const forbidden: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isXmlForbiddenCodePoint(c)) forbidden.push(c);
    const expected = [...Array.from({ length: 0x20 }, (_, c) => c).filter((c) => ![9, 10, 13].includes(c)), ...Array.from({ length: 0x800 }, (_, k) => 0xd800 + k), 0xfffe, 0xffff];
    expect(forbidden).toEqual(expected);
    expect(isXmlForbiddenCodePoint(0x1fffe)).toBe(false);
    expect(stripXmlForbidden('a\u0001b\u000bc\u000cd\u001fe\ufffe\uffff\ud800f\udc00g\tn\nr\r😀')).toBe('abcdefg\tn\nr\r😀');
  });

  it.each(FORBIDDEN_CHARS.map((c) => [`U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, c]))('%s never reaches a reply, in any field', (_, c) => {
    const bodies: ReplyBody[] = [
      { kind: 'text', content: `办${c}事` },
      { kind: 'image', mediaId: `m${c}` },
      { kind: 'news', articles: [{ title: `t${c}`, description: `d${c}`, picUrl: `p${c}`, url: `u${c}` }] },
    ];
    for (const body of bodies) {
      const xml = buildReplyXml({ ...header, toUser: `o${c}` }, body);
      expect(xml).not.toMatch(FORBIDDEN_PATTERN);
      expect(strictXmlProblems(xml)).toEqual([]);
    }
    const envelope = buildEncryptedEnvelope({ encrypt: 'abc=', msgSignature: 's', timestamp: `1${c}`, nonce: `n${c}` });
    expect(strictXmlProblems(envelope)).toEqual([]);
  });

  it('400 seeded hostile texts: every reply passes a strict parser and reads back as the text without forbidden characters', () => {
    const r = prng(8);
    for (let n = 0; n < 400; n++) {
      const content = hostileText(r);
      const xml = buildReplyXml(header, { kind: 'text', content });
      expect(strictXmlProblems(xml), JSON.stringify(content)).toEqual([]);
      // (The reader normalises line ends, as XML does.)
      expect(parseWechatXml(xml).Content).toBe(content.replace(new RegExp(FORBIDDEN_PATTERN.source, 'gu'), '').replace(/\r\n?/g, '\n'));
    }
  });

  it('normalized replies (passive and customer-service alike) carry no forbidden character', () => {
    const r = prng(9);
    for (let n = 0; n < 100; n++) {
      const text = hostileText(r);
      const replies = normalizeReplies(
        [
          { kind: 'text', text },
          { kind: 'choices', text, options: [{ label: text }] },
          { kind: 'article', title: text, description: text, url: `https://x.gov.cn/${text}` },
          { kind: 'image', url: text, alt: text },
        ],
        100,
      );
      expect(JSON.stringify(replies)).not.toMatch(/\\u000[0-8bcBC]|\\u001[0-9a-fA-F]|\\ud[89ab]|\\ud[c-f]/i);
      for (const reply of replies) expect(Object.values(reply).join('')).not.toMatch(FORBIDDEN_PATTERN);
    }
  });
});

describe('reading hostile input', () => {
  it('raw forbidden characters and their &#…; forms are dropped from values, not refused', () => {
    const raw = FORBIDDEN_CHARS.join('');
    expect(parseWechatXml(`<xml><A><![CDATA[a${raw}b]]></A><B>c${raw}d</B></xml>`)).toEqual({ A: 'ab', B: 'cd' });
    expect(parseWechatXml('<xml><A>a&#0;&#1;&#x1;&#x0B;&#12;&#x1F;&#xFFFE;&#65535;&#xD800;&#xdfff;b&#9;&#x41;</A></xml>')).toEqual({ A: 'ab\tA' });
    // Inside CDATA a reference is just text and stays.
    expect(parseWechatXml('<xml><A><![CDATA[&#1;]]></A></xml>')).toEqual({ A: '&#1;' });
  });

  it('300 seeded hostile Content values, as CDATA and as escaped text: the read value has no forbidden character', () => {
    const r = prng(10);
    for (let n = 0; n < 300; n++) {
      const value = hostileText(r).replaceAll(']]>', ']]');
      // Markup escaped, character references kept as references (so &#1; reaches the decoder).
      const escaped = value.replace(/&(?!#\d+;|#x[0-9a-fA-F]+;|amp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      for (const body of [`<xml><Content><![CDATA[${value}]]></Content></xml>`, `<xml><Content>${escaped}</Content></xml>`]) {
        expect(parseWechatXml(body).Content ?? '').not.toMatch(FORBIDDEN_PATTERN);
      }
    }
  });
});
