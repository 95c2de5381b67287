import { beforeAll, describe, expect, it } from 'vitest';
import {
  composeBrief,
  composeDetails,
  DETAIL_MESSAGE_BYTES,
  DISCLAIMER,
  extractKnownAnswers,
  forwardableSummary,
  answerFromReply,
  loadCatalog,
  MAX_MESSAGE_BYTES,
  questionsFor,
  STALE_NOTE,
  resolveMaterials,
  targetOf,
  type Answers,
  type Catalog,
  type Target,
} from '../../../integrations/govservice/catalog/index';

/** The brief and the details, as the resident reads them after asking for 详细说明. */
function composeAnswer(t: Target, answers: Answers, options: Parameters<typeof composeBrief>[2]): string[] {
  return [composeBrief(t, answers, options), ...composeDetails(t, answers, options)];
}

// Wednesday 12:00 in Asia/Shanghai.
const NOW = new Date('2025-06-04T04:00:00Z');
let catalog: Catalog;
const target = (code: string): Target => {
  const t = targetOf(catalog, code);
  if (!t) throw new Error(`no target ${code}`);
  return t;
};

/** Answers every remaining question with its first option, as a resident replying 「1」 would. */
function answerAll(t: Target, start: Answers = {}): Answers {
  const answers = { ...start };
  for (let q = questionsFor(t, answers); q; q = questionsFor(t, answers)) answers[q.dimensionId] = q.options[0]?.value ?? '';
  return answers;
}

beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('composeAnswer', () => {
  it('gives every seed item and bundle a complete answer with its materials, fee line and the disclaimer', () => {
    for (const code of [...catalog.items.map((i) => i.code), ...catalog.bundles.map((b) => b.code)]) {
      const t = target(code);
      const answers = answerAll(t);
      const messages = composeAnswer(t, answers, { catalog, now: NOW });
      const text = messages.join('\n');
      const materials = resolveMaterials(t, answers, catalog);
      expect(materials.length, code).toBeGreaterThan(0);
      for (const m of materials) expect(text, `${code} ${m.material.id}`).toContain(m.material.name);
      expect(text, code).toContain(DISCLAIMER);
      expect(text, code).toContain('收费');
      expect(text, code).toMatch(/来源：/);
      expect(text, code).not.toMatch(/领域研究报告|研究报告|内部/);
      expect(Buffer.byteLength(messages[0] ?? '', 'utf8'), code).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      for (const message of messages.slice(1)) expect(Buffer.byteLength(message, 'utf8'), code).toBeLessThanOrEqual(DETAIL_MESSAGE_BYTES);
    }
  });

  it('puts what to bring and where in a short first message; the details carry form, copies and basis', () => {
    const t = target('GA-SFZ-HL');
    const answers = { occasion: 'expired', residence: 'local', age: 'adult' };
    const brief = composeBrief(t, answers, { catalog, now: NOW });
    expect(brief.split('\n')).toEqual([
      '【居民身份证换领、补领】有效期满换领 · 在户籍地（本市户口）办理 · 已满16周岁',
      '请带：①原居民身份证 ②现场采集人像和指纹',
      '去：市政务服务中心 A区 公安户政窗口；也可到户籍地或居住地派出所户政窗口办理',
      // 2025-06-04 is in the region's summer hours (from 5月1日).
      '今天（周三）办公：10:00-14:00、16:00-20:00',
      '工本费20元 · 15个工作日内办结（以窗口为准） · 可免费邮寄，也可到窗口领取',
      '【演示数据】以本市最新实施清单和窗口审核为准',
    ]);
    const details = composeDetails(t, answers, { catalog, now: NOW }).join('\n');
    expect(details).toContain('1. 原居民身份证（原件1份）：换领时交回');
    expect(details).toContain('工本费（有效期满换领）20元，依据：发改价格〔2003〕2322号（《居民身份证法》第二十条）');
    expect(details).toContain('也可到：头屯河区（经开区）政务服务中心、天山区政务服务中心');
    expect(details).not.toContain('40元');
    expect(details).not.toContain('居民身份证异地受理登记表');
  });

  it('keeps every first message within about six lines', () => {
    for (const code of [...catalog.items.map((i) => i.code), ...catalog.bundles.map((b) => b.code)]) {
      const t = target(code);
      expect(composeBrief(t, answerAll(t), { catalog, now: NOW }).split('\n').length, code).toBeLessThanOrEqual(7);
    }
  });

  it('says 结果需现场领取 only when collecting at a window is the only way', () => {
    for (const item of catalog.items) {
      const text = composeAnswer(target(item.code), answerAll(target(item.code)), { catalog, now: NOW }).join('\n');
      const onlyWindow = item.channels.delivery.every((d) => d === '窗口领取' || d === '电子证照');
      expect(text.includes('结果需现场领取'), item.code).toBe(onlyWindow);
    }
    const fund = composeBrief(target('GJJ-ZF-TQ'), { reason: 'retire', applicant: 'self' }, { catalog, now: NOW });
    expect(fund).toContain('款项转入本人银行账户');
    expect(fund).not.toContain('请带');
    expect(fund).toContain('网上办：');
  });

  it('gives the real booking channel or says plainly there is none', () => {
    const license = composeDetails(target('GA-JSZ-HZ'), { applicant: 'self' }, { catalog, now: NOW }).join('\n');
    expect(license).toContain('预约：“交管12123”App“预约服务”；不预约也可以在办公时间到窗口取号');
    const death = composeDetails(target('GA-HK-ZX'), {}, { catalog, now: NOW }).join('\n');
    expect(death).toContain('这项不提供预约，办公时间直接到窗口办理');
    const fund = composeDetails(target('GJJ-ZF-TQ'), { reason: 'rent', applicant: 'self' }, { catalog, now: NOW }).join('\n');
    expect(fund).toContain('全程网办，不需要预约');
    expect(fund).not.toContain('支持网上预约');
  });

  it('marks an unverified fact 以窗口为准 and a stale entry 信息可能已有更新', () => {
    const brief = composeBrief(target('BDC-ZY-DJ'), answerAll(target('BDC-ZY-DJ')), { catalog, now: NOW });
    expect(brief).toContain('5个工作日内办结（以窗口为准）');
    const details = composeDetails(target('BDC-ZY-DJ'), answerAll(target('BDC-ZY-DJ')), { catalog, now: NOW }).join('\n');
    expect(details).toContain('尚未核实（以窗口为准）：时限——本市承诺5个工作日为演示数据');
    const later = new Date('2026-12-01T04:00:00Z');
    const stale = catalog.items.find((i) => i.lastVerified !== null && i.lastVerified < '2025-12-01');
    const fresh = catalog.items.find((i) => i.lastVerified !== null && i.lastVerified >= '2025-12-01');
    if (!stale || !fresh) throw new Error('the shipped catalogue has both stale and re-checked items');
    expect(composeBrief(target(stale.code), answerAll(target(stale.code)), { catalog, now: later })).toContain(STALE_NOTE);
    expect(composeBrief(target(fresh.code), answerAll(target(fresh.code)), { catalog, now: later })).not.toContain(STALE_NOTE);
  });

  it('spells a free item 不收费 and tells visits, booking and EMS from the data', () => {
    const text = composeAnswer(target('MZ-LN-YDZ'), { residence: 'local', applicant: 'self' }, { catalog, now: NOW }).join('\n');
    expect(text).toContain('收费（以窗口为准）：\n不收费');
    expect(text).toContain('需到现场1次');
    expect(text).toContain('预约：在本公众号回复“预约”（家属可以代约），或拨打大厅电话预约、请社区工作人员代约（演示）；不预约也可以在办公时间到窗口取号');
    expect(text).toContain('免费邮寄到家');
  });

  it('shows a material whose scenario is still unknown with 「仅当」 rather than guessing', () => {
    const text = composeAnswer(target('GA-SFZ-HL'), { occasion: 'lost' }, { catalog, now: NOW }).join('\n');
    expect(text).toContain('居住证（原件1份）');
    expect(text).toContain('（仅当：在外地（非户籍地）办理）');
  });

  it('suggests the nearest listed hall when a location is given', () => {
    const t = target('GA-SFZ-HL');
    const answers = { occasion: 'expired', residence: 'local', age: 'adult' };
    const near = (lat: number, lng: number) => composeAnswer(t, answers, { catalog, now: NOW, nearestTo: { lat, lng } }).join('\n');
    expect(near(43.875, 87.43)).toContain('头屯河区（经开区）政务服务中心 公安服务区 户政窗口');
    expect(near(43.797, 87.632)).toMatch(/天山区政务服务中心 户政综合窗口\n地址：.*（离您约0\.\d公里）/);
  });
});

describe('questionsFor', () => {
  it('asks only what changes the list, skipping answered dimensions, with numbered options', () => {
    const t = target('RS-SBK-SL');
    const q = questionsFor(t, {});
    expect(q?.dimensionId).toBe('age');
    expect(q?.text).toBe('办卡的人满16周岁了吗？\n1. 已满16周岁\n2. 未满16周岁\n请回复数字。');
    // For a child the guardian applies, so 本人/代办 changes nothing and is not asked; 上户口 does.
    expect(questionsFor(t, { age: 'minor' })?.dimensionId).toBe('hukou_done');
    expect(questionsFor(t, { age: 'minor', hukou_done: 'no' })).toBeUndefined();
    expect(questionsFor(t, { age: 'adult' })?.dimensionId).toBe('applicant');
    expect(questionsFor(t, { age: 'adult', applicant: 'agent' })).toBeUndefined();
  });

  it('skips a dimension made irrelevant by an earlier answer', () => {
    // Housing-fund inheritance: only the applicant question remains once the reason is known.
    expect(questionsFor(target('GJJ-ZF-TQ'), { reason: 'inherit' })?.dimensionId).toBe('applicant');
    // An item with no scenario asks nothing.
    expect(questionsFor(target('MZ-HY-JH'), {})).toBeUndefined();
  });

  it('asks bundle eligibility first and stops asking once the bundle does not apply', () => {
    const b = target('YJS-XSE');
    expect(questionsFor(b, {})?.kind).toBe('eligibility');
    expect(questionsFor(b, { birthplace: 'other' })).toBeUndefined();
    const eligible = { birthplace: 'in-province', baby_age: 'under-one', parents_hukou: 'both-local', wedlock: 'married' };
    // The newborn is a minor (fixed by the bundle), so no age or applicant question follows.
    expect(questionsFor(b, eligible)).toBeUndefined();
  });

  it('reads a numbered or worded reply', () => {
    const q = questionsFor(target('GA-SFZ-HL'), {});
    expect(q && answerFromReply(q, '３')).toBe('lost');
    expect(q && answerFromReply(q, '有效期满换领')).toBe('expired');
    expect(q && answerFromReply(q, '9')).toBeUndefined();
  });
});

describe('extractKnownAnswers', () => {
  it('recognises answers already in the first message', () => {
    expect(extractKnownAnswers('帮我妈代办老年证')).toMatchObject({ applicant: 'agent' });
    expect(extractKnownAnswers('身份证丢了怎么办')).toMatchObject({ occasion: 'lost' });
    expect(extractKnownAnswers('我是外地户口，想补身份证')).toMatchObject({ residence: 'remote' });
    expect(extractKnownAnswers('我不是本地户口')).toMatchObject({ residence: 'remote' });
  });

  it('keeps to the target’s dimensions and reads bundle eligibility', () => {
    const sfz = extractKnownAnswers('帮我妈代办身份证，丢了', target('GA-SFZ-HL'));
    expect(sfz).toEqual({ occasion: 'lost' });
    expect(extractKnownAnswers('孩子刚出生，我们没领证', target('YJS-XSE'))).toMatchObject({ baby_age: 'under-one', wedlock: 'not-married' });
  });
});

describe('bundles', () => {
  it('merges materials once, attributed to every item that needs them', () => {
    const b = target('YJS-XSE');
    const materials = resolveMaterials(b, {}, catalog);
    const ids = materials.map((m) => m.material.id);
    expect(new Set(ids).size).toBe(ids.length);
    const birth = materials.find((m) => m.material.id === 'birth-medical-cert');
    expect(birth?.neededBy.map((i) => i.code)).toEqual(['WJ-YFJZ', 'GA-HK-CS', 'YB-JM-CB', 'RS-SBK-SL']);
    const text = composeAnswer(b, {}, { catalog, now: NOW }).join('\n');
    expect(text).toContain('用于：预防接种证办理和查验、出生登记（新生儿落户）、城乡居民医疗保险参保登记、社会保障卡申领');
    // The newborn has no 户口簿 page yet, 监护人 is 父母, and a bundle's implied answers are not "your situation".
    expect(text.match(/居民户口簿（原件1份）/g)).toHaveLength(1);
    expect(text).not.toContain('含孩子本人信息页');
    expect(text).not.toContain('监护人居民身份证');
    expect(text).not.toContain('未满16周岁');
    expect(composeBrief(b, {}, { catalog, now: NOW })).toContain('网上办：');
  });

  it('asks no materials of the linked utility transfers, and the non-residential fee is not shown', () => {
    const b = target('YJS-ESF');
    const answers = { property_use: 'residential', subject: 'person', seller_marital: 'single', mortgage: 'no', applicant: 'self' };
    const text = composeAnswer(b, answers, { catalog, now: NOW }).join('\n');
    expect(text).not.toContain('原户号或最近一期缴费凭证');
    expect(text).not.toContain('过户后新业主的不动产权证书');
    expect(text).toContain('供电过户：登记完成后由登记中心把新业主信息推送给供电企业');
    expect(text).toContain('80元');
    expect(text).not.toContain('550元');
  });

  it('includes a member item only when its condition holds', () => {
    const after = target('YJS-SH');
    expect(questionsFor(after, {})?.dimensionId).toBe('has_pension');
    const noFund = composeAnswer(after, { has_pension: 'yes', has_fund: 'no', place: 'hospital' }, { catalog, now: NOW }).join('\n');
    expect(noFund).toContain('丧葬补助金、抚恤金申领');
    expect(noFund).not.toContain('住房公积金提取');
    const retire = composeBrief(target('YJS-TX'), { has_fund: 'yes', applicant: 'self' }, { catalog, now: NOW });
    expect(retire).not.toContain('退休证明');
  });

  it('lists the items one by one when the bundle does not apply', () => {
    const messages = composeAnswer(target('YJS-XSE'), { wedlock: 'not-married' }, { catalog, now: NOW });
    const text = messages.join('\n');
    expect(text).toContain('父母未登记结婚');
    expect(text).toMatch(/1\. 出生医学证明首次签发[\s\S]*2\. 预防接种证办理和查验[\s\S]*3\. 出生登记（新生儿落户）[\s\S]*4\. 城乡居民医疗保险参保登记[\s\S]*5\. 社会保障卡申领/);
    expect(text).toContain(DISCLAIMER);
    expect(text).not.toContain('请带：');
  });
});

describe('forwardableSummary', () => {
  it('is one compact text with materials, place, hours, fee, source, version date, the demo label and the disclaimer', () => {
    const t = target('MZ-LN-YDZ');
    const summary = forwardableSummary(t, { residence: 'local', ...extractKnownAnswers('帮我妈办老年证', t) }, { catalog, now: NOW });
    expect(summary).toContain('【办事清单】老年人优待证办理（本市户口 · 家属代办）');
    expect(summary).toContain('⑤代办人居民身份证（原件1份）');
    expect(summary).toContain('不收费');
    expect(summary).toContain('来源：《中华人民共和国老年人权益保障法》（2018年修正）');
    expect(summary).toContain('版本 2026.1（2025-01-01起施行，2025-06-01核实）【演示数据】');
    expect(summary.endsWith(DISCLAIMER)).toBe(true);
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MAX_MESSAGE_BYTES);
  });
});
