import { beforeAll, describe, expect, it } from 'vitest';
import { composeBrief, composeDetails, loadCatalog, staleEntries, targetOf, type Catalog } from '../../../integrations/govservice/catalog/index';

// The bot clock of the review: 2026-12-01 12:00 in Asia/Shanghai.
const NOW = new Date('2026-12-01T04:00:00Z');
const INTERNAL = /领域研究报告|研究报告|内部|internal/i;
let catalog: Catalog;

beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('every catalogue entry is a complete 办事指南', () => {
  it('has at least 30 items and 10 bundles', () => {
    expect(catalog.items.length).toBeGreaterThanOrEqual(30);
    expect(catalog.bundles.length).toBeGreaterThanOrEqual(10);
  });

  it('each item has conditions, materials, a time limit, fees with their basis, where, channels, public sources and a lastVerified date', () => {
    for (const item of catalog.items) {
      expect(item.conditions.length, item.code).toBeGreaterThan(0);
      expect(item.materials.length, item.code).toBeGreaterThan(0);
      expect(item.timeLimit.statutory ?? item.timeLimit.promised ?? item.timeLimit.note, item.code).toBeTruthy();
      if (Array.isArray(item.fees)) for (const fee of item.fees) expect(fee.basis, `${item.code} ${fee.name}`).toMatch(/\S/);
      else if (item.fees === '按本市标准收费') expect(item.feeNote, item.code).toBeTruthy();
      else expect(item.fees, item.code).toBe('不收费');
      expect(item.halls.length > 0 || Boolean(item.where), item.code).toBe(true);
      expect(item.channels.delivery.length, item.code).toBeGreaterThan(0);
      expect(item.channels.booking.available ? item.channels.booking.channel : 'none', item.code).toBeTruthy();
      expect(item.source.documents.length, item.code).toBeGreaterThan(0);
      expect(item.lastVerified === null || /^\d{4}-\d{2}-\d{2}$/.test(item.lastVerified), item.code).toBe(true);
    }
  });

  it('each bundle has a time limit, where, channels, public sources and a lastVerified date', () => {
    for (const b of catalog.bundles) {
      expect(b.timeLimit.statutory ?? b.timeLimit.promised ?? b.timeLimit.note, b.code).toBeTruthy();
      expect(b.halls.length, b.code).toBeGreaterThan(0);
      expect(b.source.documents.length, b.code).toBeGreaterThan(0);
      expect(b.lastVerified === null || /^\d{4}-\d{2}-\d{2}$/.test(b.lastVerified), b.code).toBe(true);
    }
  });

  it('keeps a bundle consistent with its members: results, fees and mail come from the items', () => {
    for (const b of catalog.bundles) {
      const members = b.items.map((m) => catalog.getItem(m.code));
      expect(members.every(Boolean), b.code).toBe(true);
      const text = [...b.notes, b.channels.onlineNote ?? ''].join(' ');
      // A bundle may promise mail only if a member's result can be mailed (review a3).
      if (/寄/.test(text)) expect(members.some((i) => i?.channels.delivery.some((d) => d.endsWith('寄递'))), b.code).toBe(true);
      for (const p of b.provided) expect(b.items.some((m) => m.code === p.item), `${b.code} ${p.item}`).toBe(true);
    }
  });

  it('names public documents as sources, never an internal note', () => {
    for (const e of [...catalog.items, ...catalog.bundles]) {
      const text = JSON.stringify([e.source, e.unverified]);
      expect(text, e.code).not.toMatch(INTERNAL);
      expect(text, e.code).not.toContain('未核实）'); // the old basis label; unverified facts go into `unverified`
    }
  });

  it('lists entries not re-checked for twelve months, and only those', () => {
    const stale = staleEntries(catalog, NOW);
    expect(stale.length).toBeGreaterThan(0);
    // Never checked (null) or checked before 2025-12-01: stale. Everything else was checked within the year.
    for (const s of stale) expect(s.lastVerified === null || s.lastVerified < '2025-12-01', s.code).toBe(true);
    const fresh = [...catalog.items, ...catalog.bundles].filter((e) => !stale.some((s) => s.code === e.code));
    expect(fresh.length).toBeGreaterThan(0);
    for (const e of fresh) expect((e.lastVerified ?? '') >= '2025-12-01', e.code).toBe(true);
    // Nothing claims a check in the future of the bot clock.
    for (const e of [...catalog.items, ...catalog.bundles]) expect((e.lastVerified ?? '') <= '2026-12-01', e.code).toBe(true);
  });
});

describe('the domain review (catalogue-review.md section a) is fixed in the data', () => {
  const item = (code: string) => {
    const found = catalog.getItem(code);
    if (!found) throw new Error(code);
    return found;
  };
  const details = (code: string, answers: Record<string, string>) => {
    const t = targetOf(catalog, code);
    if (!t) throw new Error(code);
    return [composeBrief(t, answers, { catalog, now: NOW }), ...composeDetails(t, answers, { catalog, now: NOW })].join('\n');
  };

  it('a1: 结婚登记 cites 第八条 of the 2025 条例 and asks only 身份证 and the signed declaration', () => {
    const jh = item('MZ-HY-JH');
    expect(jh.legalBasis.map((b) => `${b.title}${b.article ?? ''}`)).toContain('婚姻登记条例（国务院令第804号）第八条');
    expect(jh.materials.map((m) => m.ref)).not.toContain('hukou-book');
    expect(jh.fees).toBe('不收费');
  });

  it('a2: 出生登记 of a non-marital birth needs the 非婚生育说明, not a 结婚证', () => {
    const text = details('GA-HK-CS', { parents_married: 'not-married' });
    expect(text).toContain('非婚生育说明');
    expect(text).not.toMatch(/\d\. 结婚证/);
  });

  it('a3/a12: the newborn bundle and its 户口 item agree on how the 户口簿 comes back', () => {
    const text = details('YJS-XSE', { birthplace: 'in-province', baby_age: 'under-one', parents_hukou: 'both-local', wedlock: 'married' });
    expect(text).toContain('户口簿免费寄回');
    expect(item('GA-HK-CS').channels.delivery).toContain('免费寄递');
  });

  it('a4: a newborn enrols in 居民医保 with the 出生医学证明 and is covered from birth within 90 days', () => {
    const text = details('YB-JM-CB', { age: 'minor', hukou_done: 'no' });
    expect(text).toContain('出生医学证明');
    expect(text).not.toContain('居民户口簿');
    expect(text).toContain('90天内');
  });

  it('a5: 残疾人证 is 跨省通办 with a 居住证', () => {
    expect(item('CL-CJZ-XB').channels.crossRegion.map((c) => c.scope)).toContain('跨省通办');
    expect(details('CL-CJZ-XB', { residence: 'remote', category: 'physical', age: 'adult' })).toContain('居住证');
  });

  it('a6: flexible workers are not sent to 城乡居民养老', () => {
    expect(item('RS-YL-CB').aliases).not.toContain('灵活就业养老');
    expect(item('RS-ZG-LHCB').legalBasis[0]?.article).toBe('第十条');
  });

  it('a7/a8: 户口迁入 cites 第十三条; 老年人优待 gives 外埠老年人 equal treatment', () => {
    expect(item('GA-HK-QR').legalBasis[0]?.article).toBe('第十三条');
    expect(details('MZ-LN-YDZ', { residence: 'remote', applicant: 'self' })).toContain('同等优待');
    expect(details('MZ-LN-YDZ', { residence: 'remote', applicant: 'self' })).not.toContain('范围不同');
  });

  it('a9: 身份证 names 第二十条 for fees and the 低保 exemption', () => {
    const text = details('GA-SFZ-HL', { occasion: 'lost', residence: 'local', age: 'adult' });
    expect(text).toContain('第二十条');
    expect(text).toContain('免收工本费');
    expect(text).toContain('挂失');
    expect(text).toContain('临时居民身份证');
  });

  it('a10: 不动产登记费 cites 发改价格规〔2016〕2559号, and a housing sale shows no 550元', () => {
    const fees = item('BDC-ZY-DJ').fees;
    expect(Array.isArray(fees) && fees.every((f) => f.basis.includes('发改价格规〔2016〕2559号'))).toBe(true);
    expect(details('BDC-ZY-DJ', { use: 'residential', subject: 'person', seller_marital: 'single', mortgage: 'no', applicant: 'self' })).not.toContain('550元');
  });

  it('a11: the newborn bundle includes the 预防接种证', () => {
    expect(catalog.getBundle('YJS-XSE')?.items.map((m) => m.code)).toContain('WJ-YFJZ');
  });

  it('a14: items done entirely online are not told 请带 or to go to a hall', () => {
    for (const i of catalog.items.filter((x) => x.channels.visits === 0)) {
      const t = targetOf(catalog, i.code);
      if (!t) continue;
      const brief = composeBrief(t, {}, { catalog, now: NOW });
      expect(brief, i.code).not.toContain('请带：');
      expect(brief, i.code).toContain('网上办：');
    }
  });
});
