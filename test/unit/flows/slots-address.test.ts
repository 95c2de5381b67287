import { describe, expect, it } from 'vitest';
import { findAddressIn } from '../../../flows/slots/address';

describe('a street address in running text', () => {
  it.each([
    ['我要投诉，幸福路88号门口的烧烤摊每天晚上油烟太大', '幸福路88号'],
    ['我要投诉幸福路88号门口的烧烤摊', '幸福路88号'],
    ['我家在解放街12号3单元，楼道灯坏了', '解放街12号3单元'],
    ['阳光小区5栋楼下总有人乱扔垃圾', '阳光小区5栋楼'],
    ['就在人民路甲12号那个路口', '人民路甲12号'],
  ])('%s → %s', (text, address) => {
    expect(findAddressIn(text)).toBe(address);
  });

  it.each(['窗口工作人员态度很差', '我不知道3号能不能办', '排队排了两个小时', '12月3号去的大厅', '路88号'])('none in %s', (text) => {
    expect(findAddressIn(text)).toBeUndefined();
  });
});
