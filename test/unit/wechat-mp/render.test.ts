import { describe, expect, it } from 'vitest';
import { splitText } from '../../../integrations/wechat-mp/split-text';
import { normalizeReplies, replyBodyOf } from '../../../integrations/wechat-mp/webhook/render';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('你好', 2048)).toEqual(['你好']);
  });

  it('breaks at line ends, every chunk within the byte limit, nothing lost', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `第${i + 1}条：请携带身份证原件办理。`);
    const text = lines.join('\n');
    const chunks = splitText(text, 300);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(bytes(c)).toBeLessThanOrEqual(300);
    expect(chunks.join('\n')).toBe(text);
    for (const c of chunks) expect(lines).toContain(c.split('\n')[0]);
  });

  it('a line longer than the limit is split between characters, never inside one', () => {
    const line = '办'.repeat(100) + '🌏'.repeat(10);
    const chunks = splitText(line, 50);
    for (const c of chunks) {
      expect(bytes(c)).toBeLessThanOrEqual(50);
      expect(c).not.toContain('\uFFFD');
    }
    expect(chunks.join('')).toBe(line);
  });
});

describe('normalizeReplies and replyBodyOf', () => {
  it('choices become numbered text; long text is split', () => {
    const out = normalizeReplies(
      [
        { kind: 'choices', text: '请选择：', options: [{ label: '办事指南' }, { label: '进度查询' }] },
        { kind: 'text', text: `${'a'.repeat(60)}\n${'b'.repeat(60)}` },
      ],
      100,
    );
    expect(out).toEqual([
      { kind: 'text', text: '请选择：\n1. 办事指南\n2. 进度查询\n回复数字即可选择' },
      { kind: 'text', text: 'a'.repeat(60) },
      { kind: 'text', text: 'b'.repeat(60) },
    ]);
  });

  it('article → news; image with mediaId → image; image without → text link', () => {
    expect(replyBodyOf({ kind: 'article', title: 'T', url: 'https://x' })).toEqual({ kind: 'news', articles: [{ title: 'T', url: 'https://x' }] });
    expect(replyBodyOf({ kind: 'image', url: 'https://x/p.png', mediaId: 'M' })).toEqual({ kind: 'image', mediaId: 'M' });
    expect(replyBodyOf({ kind: 'image', url: 'https://x/p.png', alt: '地图' })).toEqual({ kind: 'text', content: '[图片] 地图\nhttps://x/p.png' });
  });
});
