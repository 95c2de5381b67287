import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceFinder } from '../../../bot/ports';
import { loadCatalog } from '../../../integrations/govservice/catalog';
import { loadCatalogSearch } from '../../../integrations/govservice/catalog/search';
import { catalogServiceFinder } from '../../../integrations/govservice/catalog/search/service-finder';

let finder: ServiceFinder;
beforeAll(async () => {
  const catalog = await loadCatalog();
  finder = catalogServiceFinder(await loadCatalogSearch({ catalog }), catalog);
});
const codes = (text: string) => finder.find(text).services.map((s) => s.code);

describe('the service finder (the search with its evidence)', () => {
  it.each([
    ['身份证丢了', 'GA-SFZ-HL'],
    ['驾招到期了', 'GA-JSZ-HZ'],
    ['残几证怎么办', 'CL-CJZ-XB'],
    ['社保卡怎么申请', 'YJS-SBK'], // the object alone: 社保卡一件事 asks whether there is a card at all
    ['社保卡丢了', 'RS-SBK-GS'],
    ['孩子上户口要带啥', 'GA-HK-CS'],
    ['二手房过户和水电气网一起办', 'YJS-ESF'],
    ['灵活就业想交城乡居民养老保险', 'RS-YL-CB'],
    ['身份证和户口本都丢了', 'GA-SFZ-HL'],
  ])('%s → one service, %s', (text, code) => {
    const match = finder.find(text);
    expect(match.kind).toBe('single');
    expect(match.services[0]?.code).toBe(code);
  });

  it.each([
    ['办个证', ['GA-SFZ-HL', 'GA-JSZ-HZ']],
    ['换证', ['GA-SFZ-HL', 'GA-JSZ-HZ']],
    ['证丢了', ['GA-SFZ-HL']],
    ['卡丢了', ['RS-SBK-GS']],
    ['上户口', ['GA-HK-CS', 'GA-HK-QR']],
    ['身份证和驾照都丢了', ['GA-SFZ-HL', 'GA-JSZ-HZ']],
  ])('%s → a short choice including %j', (text, expected) => {
    const match = finder.find(text);
    expect(match.kind).toBe('ambiguous');
    expect(codes(text)).toEqual(expect.arrayContaining(expected));
    expect(codes(text).length).toBeLessThanOrEqual(4);
  });

  it('a phone, ID or application number names no service (13600001111 is not the 3600元 subsidy)', () => {
    expect(finder.find('13600001111').kind).toBe('none');
    expect(finder.find('SL6501000018').kind).toBe('none');
    expect(codes('育儿补贴3600元怎么领')).toContain('WJ-YEBT');
  });

  it('a request naming a key object never ends in a service without it', () => {
    expect(codes('卡丢了')).not.toContain('GA-SFZ-HL');
    expect(finder.find('护照怎么办').kind).toBe('none');
    expect(finder.find('公司注册要什么材料').services.map((s) => s.code)).not.toContain('SJ-GTH-SL');
  });

  it('says whether the request names the thing, and a bundle lists its items', () => {
    expect(finder.find('居住证怎么办').named).toBe(true);
    expect(finder.find('公众号的字能不能大一点').named).toBeFalsy();
    expect(finder.find('二手房过户和水电气网一起办').services[0]?.members).toContain('BDC-ZY-DJ');
  });
});
