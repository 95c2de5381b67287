import { beforeAll, describe, expect, it } from 'vitest';
import {
  composeAnswer,
  DISCLAIMER,
  extractKnownAnswers,
  forwardableSummary,
  answerFromReply,
  loadCatalog,
  MAX_MESSAGE_BYTES,
  questionsFor,
  resolveMaterials,
  targetOf,
  type Answers,
  type Catalog,
  type Target,
} from '../../../integrations/govservice/catalog/index';

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
      expect(text, code).toContain('六、收费：');
      expect(text, code).toMatch(/来源：/);
      for (const message of messages) expect(Buffer.byteLength(message, 'utf8'), code).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    }
  });

  it('puts what to bring, where and the hours in the first message, numbered with form and copies', () => {
    const t = target('GA-SFZ-HL');
    const [first = ''] = composeAnswer(t, { occasion: 'expired', residence: 'local', age: 'adult' }, { catalog, now: NOW });
    expect(first).toContain('【居民身份证换领、补领】');
    expect(first).toContain('1. 原居民身份证（原件1份）：换领时交回');
    expect(first).toContain('市政务服务中心 A区 公安户政窗口');
    // 2025-06-04 is in the region's summer hours (from 5月1日).
    expect(first).toContain('今天（周三）办公：10:00-14:00、16:00-20:00');
    expect(first).not.toContain('居民身份证异地受理登记表');
    const text = composeAnswer(t, { occasion: 'expired', residence: 'local', age: 'adult' }, { catalog, now: NOW }).join('\n');
    expect(text).toContain('工本费（有效期满换领）20元');
    expect(text).not.toContain('40元');
  });

  it('spells a free item 不收费 and tells visits, booking and EMS from the data', () => {
    const text = composeAnswer(target('MZ-LN-YDZ'), { residence: 'local', applicant: 'self' }, { catalog, now: NOW }).join('\n');
    expect(text).toContain('六、收费：\n不收费');
    expect(text).toContain('需到现场1次');
    expect(text).toContain('支持网上预约');
    expect(text).toContain('结果可免费寄递');
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
    // For a child the guardian applies, so 本人/代办 changes nothing and is not asked.
    expect(questionsFor(t, { age: 'minor' })).toBeUndefined();
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
    const eligible = { birthplace: 'in-province', baby_age: 'under-one', parents_hukou: 'both-local', parents_married: 'married' };
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
    expect(extractKnownAnswers('孩子刚出生，我们没领证', target('YJS-XSE'))).toMatchObject({ baby_age: 'under-one', parents_married: 'not-married' });
  });
});

describe('bundles', () => {
  it('merges materials once, attributed to every item that needs them', () => {
    const b = target('YJS-XSE');
    const materials = resolveMaterials(b, {}, catalog);
    const ids = materials.map((m) => m.material.id);
    expect(new Set(ids).size).toBe(ids.length);
    const hukou = materials.find((m) => m.material.id === 'hukou-book');
    expect(hukou?.neededBy.map((i) => i.code)).toEqual(['GA-HK-CS', 'YB-JM-CB', 'RS-SBK-SL']);
    const text = composeAnswer(b, {}, { catalog, now: NOW }).join('\n');
    expect(text).toContain('用于：出生登记（新生儿落户）、城乡居民医疗保险参保登记、社会保障卡申领');
    expect(text.match(/居民户口簿（原件1份）/g)).toHaveLength(1);
  });

  it('lists the items one by one when the bundle does not apply', () => {
    const messages = composeAnswer(target('YJS-XSE'), { parents_married: 'not-married' }, { catalog, now: NOW });
    const text = messages.join('\n');
    expect(text).toContain('父母未登记结婚（非婚生育）');
    expect(text).toMatch(/1\. 出生医学证明首次签发[\s\S]*2\. 出生登记（新生儿落户）[\s\S]*3\. 城乡居民医疗保险参保登记[\s\S]*4\. 社会保障卡申领/);
    expect(text).toContain(DISCLAIMER);
    expect(text).not.toContain('一、请带齐这些材料');
  });
});

describe('forwardableSummary', () => {
  it('is one compact text with materials, place, hours, fee and the disclaimer', () => {
    const t = target('MZ-LN-YDZ');
    const summary = forwardableSummary(t, { residence: 'local', ...extractKnownAnswers('帮我妈办老年证', t) }, { catalog, now: NOW });
    expect(summary).toContain('【办事清单】老年人优待证办理（本市户口 · 家属代办）');
    expect(summary).toContain('⑤代办人居民身份证（原件1份）');
    expect(summary).toContain('费用：不收费');
    expect(summary.endsWith(DISCLAIMER)).toBe(true);
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MAX_MESSAGE_BYTES);
  });
});
