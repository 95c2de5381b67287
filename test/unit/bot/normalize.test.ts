import { describe, expect, it } from 'vitest';
import { isUnreadable, normalizeText, toSimplified } from '../../../bot/normalize';

describe('normalizeText', () => {
  it.each([
    ['護照過期了', '护照过期了'],
    ['身份證', '身份证'],
    ['線上辦理', '线上办理'],
    ['臺灣居民來往大陸通行證', '台湾居民来往大陆通行证'],
    ['裏面', '里面'],
    ['麵包', '面包'],
    ['ＡＢＣ１２３', 'ABC123'],
    ['１２月３日，好！', '12月3日，好！'],
    ['（１）？', '（1）？'],
    ['ｈｔｔｐｓ：／／ｇｏｖ．ｃｎ', 'https：//gov.cn'],
    ['⑫', '12'],
    ['你好\u3000世界', '你好 世界'],
    ['a\u200Bb\u200Cc\u200Dd\u2060e\uFEFF', 'abcde'],
    ['\u202E反向\u202C', '反向'],
    ['a\u0007b\u0000c', 'abc'],
    ['a\r\nb', 'a\nb'],
    ['  a  \t b  ', 'a b'],
    ['\n\n\n\nx\n\n\n\ny', 'x\n\ny'],
    ['①', '1'],
    ['办事指南', '办事指南'],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it('toSimplified leaves simplified text as it is', () => {
    expect(toSimplified('换身份证要带什么材料')).toBe('换身份证要带什么材料');
  });
});

describe('isUnreadable', () => {
  it.each(['', ' ', '😀😀', '👍🏻', '？？？', '...', '!!!', '~~', '[]'])('%j is unreadable', (text) => {
    expect(isUnreadable(text)).toBe(true);
  });

  it.each(['1', '好', 'a', '😀好', '？1'])('%j is readable', (text) => {
    expect(isUnreadable(text)).toBe(false);
  });
});
