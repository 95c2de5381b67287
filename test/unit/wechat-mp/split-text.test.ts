import { describe, expect, it } from 'vitest';
import { splitText } from '../../../integrations/wechat-mp/split-text';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('你好\n世界', 2000)).toEqual(['你好\n世界']);
  });

  it('cuts at line ends, each part within the byte limit, nothing lost', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `第${i}行内容`); // 3 + 1..2 + 9 bytes a line
    const text = lines.join('\n');
    const parts = splitText(text, 40);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => utf8Bytes(p) <= 40)).toBe(true);
    expect(parts.join('\n')).toBe(text);
    expect(parts.every((p) => !p.startsWith('\n') && !p.endsWith('\n'))).toBe(true);
  });

  it('cuts an over-long line between characters, never inside a multi-byte one or an emoji', () => {
    const line = '政务服务😀'.repeat(50);
    const parts = splitText(line, 31);
    expect(parts.every((p) => utf8Bytes(p) <= 31)).toBe(true);
    expect(parts.join('')).toBe(line);
    expect(parts.every((p) => !p.includes('\uFFFD') && Buffer.from(p, 'utf8').toString('utf8') === p)).toBe(true);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });

  it('uses the 2048-byte platform limit by default', () => {
    const text = '办'.repeat(1500); // 4500 bytes, one line
    const parts = splitText(text);
    expect(parts.map(utf8Bytes)).toEqual([2046, 2046, 408]);
  });
});
