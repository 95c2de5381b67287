import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger';
import { maskAddress, maskIdNumber, maskPhone, maskPii } from '../../../bot/pii';

describe('maskPii: masks', () => {
  it.each([
    ['身份证110105199003071239', '身份证110*************39'],
    ['ID 11010519491231002X', 'ID 110*************2X'],
    ['ID 11010519491231002x。', 'ID 110*************2x。'],
    ['号码 110105 19900307 1239', '号码 110*************39'],
    ['号码 110105-19900307-1239', '号码 110*************39'],
    ['手机13812345678', '手机138****5678'],
    ['13812345678,13987654321', '138****5678,139****4321'],
    ['+86 13812345678', '+86 138****5678'],
    ['+8613812345678', '+86138****5678'],
    ['8613812345678', '86138****5678'],
    ['138 1234 5678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['+86-138-1234-5678', '+86-138****5678'],
    ['电话010-12345678', '电话010-****5678'],
    ['0755-88886666', '0755-****6666'],
    ['02112345678', '0211****5678'],
    ['住在朝阳区幸福路88号3单元502室', '住在朝阳区幸福路***'],
    ['幸福小区5栋201', '幸福小区***'],
    ['人民大道1号', '人民大道***'],
    ['和平里三号楼', '和平里***'],
    ['{"text":"我叫张三，手机13812345678，住光明街12号"}', '{"text":"我叫张三，手机138****5678，住光明街***"}'],
  ])('%s → %s', (text, masked) => {
    expect(maskPii(text)).toBe(masked);
  });
});

describe('maskPii: leaves alone', () => {
  it.each([
    '2026-12-03 10:30',
    '12月3日下午3点',
    '订单号20261203001',
    '订单1234567890123456',
    '流水号 1234567890123456789',
    '政务服务热线12345',
    '预约号A12345678',
    '第3号窗口',
    '我不知道3号能不能办',
    '就在这里2楼',
    '两千零五',
    '价格138.50元',
    '1100105199003071234',
    'msgId 23456789012345678901',
  ])('%s', (text) => {
    expect(maskPii(text)).toBe(text);
  });

  it('each masker only touches its own kind', () => {
    expect(maskIdNumber('13812345678')).toBe('13812345678');
    expect(maskPhone('110105199003071239')).toBe('110105199003071239');
    expect(maskAddress('13812345678')).toBe('13812345678');
  });
});

describe('the logger masks every line it writes', () => {
  it('a phone number and an ID number in a log field come out masked', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ text: '我的手机138 1234 5678，身份证110105199003071239' }, 'turn');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('我的手机138****5678，身份证110*************39');
    expect(lines[0]).not.toContain('1234 5678');
  });
});
