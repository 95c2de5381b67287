import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../../flows/language/lexicon';

const lexicon = loadLexicon();

describe('the shipped lexicon', () => {
  it.each([
    ['您好！想问下孩子上户口要带啥', '孩子上户口要带啥'],
    ['老师您好，请问一下居住证在哪办', '居住证在哪办'],
    ['喂，有人吗，我问下二手房过户', '二手房过户'],
    ['你好', ''],
    ['身份证丢了', '身份证丢了'],
  ])('stripOpeners(%s) → %s', (text, rest) => {
    expect(lexicon.stripOpeners(text)).toBe(rest);
  });

  it.each([
    ['先不弄这个了，公积金怎么提', '公积金怎么提'],
    ['算了，换个事，我想问下结婚登记', '我想问下结婚登记'], // several switches in a row are one
    ['先不办身份证了，社保卡怎么补', '社保卡怎么补'],
    ['先不弄这个了', ''],
    ['我想问公积金', undefined],
  ])('afterSwitch(%s) → %s', (text, rest) => {
    expect(lexicon.afterSwitch(text)).toBe(rest);
  });

  it.each([
    ['找个活人', true],
    ['别让机器人回答', true],
    ['转人工', true],
    ['说了半天你根本听不懂', true],
    ['窗口工作人员态度很差', false],
    ['我不要人工', false],
    ['你是真人还是机器人', false],
  ])('asksForHuman(%s) → %s', (text, expected) => {
    expect(lexicon.asksForHuman(text)).toBe(expected);
  });

  it('talk about the conversation, passes, corrections, requests', () => {
    expect(lexicon.isMeta('刚才不是说了吗')).toBe(true);
    expect(lexicon.isMeta('窗口排队两个小时')).toBe(false);
    expect(lexicon.isSkip('照片没拍')).toBe(true);
    expect(lexicon.isSkip('不记得是哪个了')).toBe(true);
    expect(lexicon.isSkip('我没有带身份证去，被窗口拒绝了好几次')).toBe(false);
    expect(lexicon.isCorrection('等等，我说错了，是丢了')).toBe(true);
    expect(lexicon.isRequest('居住证怎么办')).toBe(true);
    expect(lexicon.isRequest('卖家离婚了')).toBe(false);
  });

  it('mentions: longest first, never overlapping, negated when a negation comes right before', () => {
    expect(lexicon.mentions('不是丢的，是坏了', ['丢', '坏了']).map((m) => [m.phrase, m.negated])).toEqual([
      ['丢', true],
      ['坏了', false],
    ]);
    expect(lexicon.mentions('不是本地户口', ['不是本地', '本地户口']).map((m) => m.phrase)).toEqual(['不是本地']);
  });
});
