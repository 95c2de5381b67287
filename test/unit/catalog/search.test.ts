import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../integrations/govservice/catalog/loader';
import { buildBm25 } from '../../../integrations/govservice/catalog/search/bm25';
import { classify } from '../../../integrations/govservice/catalog/search/classify';
import {
  buildCatalogSearch,
  loadCatalogSearch,
  parseSearchVocabulary,
  searchEntriesFrom,
  type CatalogSearch,
  type SearchHit,
} from '../../../integrations/govservice/catalog/search/index';
import { createConfusionFixer, normalizeText } from '../../../integrations/govservice/catalog/search/normalize';
import { createTokenizer } from '../../../integrations/govservice/catalog/search/tokenizer';

describe('normalizeText', () => {
  it('turns traditional characters into simplified ones', () => {
    expect(normalizeText('開個體戶要什麼')).toBe('开个体户要什么');
    expect(normalizeText('駕照到期換證')).toBe('驾照到期换证');
  });

  it('turns full-width letters, digits and punctuation into half-width, lower case', () => {
    expect(normalizeText('ｅ社保卡　１２１２３')).toBe('e社保卡 12123');
    expect(normalizeText('ABC Def')).toBe('abc def');
  });

  it('replaces punctuation and emoji with single spaces and trims', () => {
    expect(normalizeText('  身份证丢了！！怎么办？😂😂 ')).toBe('身份证丢了 怎么办');
    expect(normalizeText('哈哈😂')).toBe('哈哈');
  });
});

describe('createConfusionFixer', () => {
  it('rewrites known typos, longest wrong spelling first', () => {
    const fix = createConfusionFixer([
      ['身分', '身份'],
      ['身分证', '身份证'],
      ['公基金', '公积金'],
    ]);
    expect(fix('身分证和公基金')).toBe('身份证和公积金');
  });

  it('leaves text alone when there is no table', () => {
    expect(createConfusionFixer([])('身分证')).toBe('身分证');
  });
});

describe('createTokenizer', () => {
  const tokenizer = createTokenizer(['个体工商户设立登记']);

  it('drops question filler and keeps content words', () => {
    const words = tokenizer.words('身份证丢了怎么办');
    expect(words).toContain('身份证');
    expect(words).not.toContain('怎么办');
  });

  it('segments user words as units and still yields their parts', () => {
    const words = tokenizer.words('个体工商户设立登记');
    expect(words).toContain('个体工商户设立登记');
    expect(words).toContain('个体');
  });

  it('makes bigrams that do not straddle stopwords', () => {
    expect(tokenizer.bigrams('营业执找怎么办')).toEqual(['营业', '业执', '执找']);
  });
});

describe('buildBm25', () => {
  const index = buildBm25([
    [{ terms: ['身份证', '补领'], weight: 3 }],
    [{ terms: ['驾驶证', '换证'], weight: 3 }],
    [{ terms: ['身份证', '换领', '户政', '窗口', '派出所'], weight: 1 }],
  ]);

  it('scores only documents holding a query term', () => {
    const scores = index.score([{ term: '驾驶证', weight: 1 }]);
    expect(scores[1]).toBeGreaterThan(0);
    expect(scores[0]).toBe(0);
    expect(scores[2]).toBe(0);
  });

  it('ranks the heavier, shorter field above a long light one', () => {
    const scores = index.score([{ term: '身份证', weight: 1 }]);
    expect(scores[0]).toBeGreaterThan(scores[2] ?? 0);
  });

  it('gives rarer terms more weight', () => {
    const rare = index.score([{ term: '补领', weight: 1 }])[0] ?? 0;
    const common = index.score([{ term: '身份证', weight: 1 }])[0] ?? 0;
    expect(rare).toBeGreaterThan(common);
  });

  it('knows its vocabulary', () => {
    expect(index.has('户政')).toBe(true);
    expect(index.has('护照')).toBe(false);
    expect(index.size).toBe(3);
  });
});

describe('classify', () => {
  const hit = (code: string, score: number): SearchHit => ({ code, kind: 'item', name: code, score });

  it('is none when nothing scores above the threshold, suggesting what there is', () => {
    expect(classify([])).toEqual({ kind: 'none', suggestions: [] });
    expect(classify([hit('A', 1)], { minScore: 2 })).toEqual({ kind: 'none', suggestions: [hit('A', 1)] });
  });

  it('is single when the top hit stands clear', () => {
    expect(classify([hit('A', 20), hit('B', 5)])).toEqual({ kind: 'single', hit: hit('A', 20) });
  });

  it('is ambiguous when others come close, listing them as choices', () => {
    const result = classify([hit('A', 10), hit('B', 9), hit('C', 8.5), hit('D', 2)]);
    expect(result).toEqual({ kind: 'ambiguous', choices: [hit('A', 10), hit('B', 9), hit('C', 8.5)] });
  });

  it('caps the number of choices', () => {
    const hits = ['A', 'B', 'C', 'D', 'E', 'F'].map((c) => hit(c, 10));
    const result = classify(hits, { maxChoices: 3 });
    expect(result.kind === 'ambiguous' && result.choices.map((h) => h.code)).toEqual(['A', 'B', 'C']);
  });
});

describe('parseSearchVocabulary', () => {
  it('accepts a single canonical term or a list', () => {
    const vocabulary = parseSearchVocabulary('synonyms:\n  - canonical: 补领\n    phrases: [丢了]\ntypos:\n  身分证: 身份证\n');
    expect(vocabulary.synonyms[0]?.canonical).toEqual(['补领']);
    expect(vocabulary.typos).toEqual({ 身分证: '身份证' });
  });

  it('refuses a malformed file and names it', () => {
    expect(() => parseSearchVocabulary('synonyms:\n  - canonical: 补领\n', 'bad.yaml')).toThrow(/bad\.yaml.*phrases|phrases[\s\S]*bad\.yaml|bad\.yaml/);
  });
});

describe('catalogue search over a small catalogue', () => {
  const search = buildCatalogSearch(
    [
      { code: 'GA-SFZ-HL', kind: 'item', name: '居民身份证换领、补领', aliases: ['补办身份证'], keywords: ['身份证'] },
      { code: 'GA-JSZ-HZ', kind: 'item', name: '机动车驾驶证期满换证', aliases: ['换驾照'], keywords: ['驾照'] },
      { code: 'YJS-XSE', kind: 'bundle', name: '新生儿出生一件事', aliases: [], keywords: ['上户口'] },
    ],
    parseSearchVocabulary('synonyms:\n  - canonical: [新生儿出生一件事]\n    phrases: [生娃]\ntypos:\n  身分证: 身份证\n'),
  );

  it('returns bundles as results with their kind', () => {
    expect(search.search('生娃了咋办')[0]).toMatchObject({ code: 'YJS-XSE', kind: 'bundle', name: '新生儿出生一件事' });
  });

  it('returns nothing rather than inventing an entry', () => {
    expect(search.search('护照怎么办')).toEqual([]);
  });

  it('honours the limit', () => {
    expect(search.search('身份证 驾照 生娃', { limit: 2 })).toHaveLength(2);
  });
});

describe('catalogue search over the shipped catalogue', () => {
  let searcher: CatalogSearch;
  let codes: Set<string>;

  beforeAll(async () => {
    const catalog = await loadCatalog();
    codes = new Set([...catalog.items.map((i) => i.code), ...catalog.bundles.map((b) => b.code)]);
    searcher = await loadCatalogSearch({ catalog });
    expect(searcher.size).toBe(searchEntriesFrom(catalog.items, catalog.bundles).length);
  });

  const top = (q: string) => searcher.search(q)[0]?.code;

  it('understands traditional characters', () => {
    expect(top('開個體戶要什麼')).toBe('SJ-GTH-SL');
    expect(classify(searcher.search('開個體戶要什麼')).kind).toBe('single');
    expect(top('離職了公積金可以領出來嗎')).toBe('GJJ-ZF-TQ');
  });

  it('understands full-width input', () => {
    expect(top('我今年满６０了，老年证咋办？')).toBe('MZ-LN-YDZ');
    expect(top('ｅ社保卡怎么领')).toBe('RS-SBK-SL');
  });

  it('tolerates common typos', () => {
    expect(top('身分证补办要带什么')).toBe('GA-SFZ-HL');
    expect(top('公基金提取')).toBe('GJJ-ZF-TQ');
    expect(top('营业执找怎么办')).toBe('SJ-GTH-SL');
    expect(top('社宝卡在哪里申请')).toBe('RS-SBK-SL');
  });

  it('matches typos missing from the typo table through character bigrams', () => {
    expect(top('营业执招要啥')).toBe('SJ-GTH-SL');
    expect(top('老年优代证')).toBe('MZ-LN-YDZ');
    expect(top('住房公机金')).toBe('GJJ-ZF-TQ');
  });

  it('maps colloquial phrasing through synonyms', () => {
    expect(top('孩子刚出生要办哪些手续')).toBe('YJS-XSE');
    expect(top('驾照到期了怎么换')).toBe('GA-JSZ-HZ');
    expect(top('我爸六十了能办老人卡吗')).toBe('MZ-LN-YDZ');
  });

  it('classifies a bare 过户 as ambiguous and offers the house and utility entries', () => {
    const result = classify(searcher.search('过户'));
    expect(result.kind).toBe('ambiguous');
    const choices = result.kind === 'ambiguous' ? result.choices.map((h) => h.code) : [];
    expect(choices.length).toBeGreaterThan(1);
    expect(choices.some((c) => c.startsWith('GY-') || c === 'BDC-ZY-DJ' || c === 'YJS-ESF')).toBe(true);
  });

  it('classifies nonsense as none', () => {
    for (const q of ['今天天气怎么样', '哈哈哈😂😂', '讲个笑话', '']) {
      expect(classify(searcher.search(q))).toEqual({ kind: 'none', suggestions: [] });
    }
  });

  it('only ever returns catalogue entries', () => {
    for (const q of ['身份证', '过户', '新生儿', '证', '办', '登记']) {
      for (const hit of searcher.search(q, { limit: 50 })) expect(codes.has(hit.code)).toBe(true);
    }
  });

  it('is deterministic', () => {
    const q = '二手房过户水电燃气能一起过户吗';
    expect(searcher.search(q, { limit: 10 })).toEqual(searcher.search(q, { limit: 10 }));
  });
});

describe('the review’s misroutes (catalogue-review.md a20) route right', () => {
  let searcher: CatalogSearch;
  beforeAll(async () => {
    searcher = await loadCatalogSearch();
  });
  const top = (q: string) => {
    const result = classify(searcher.search(q, { limit: 8 }));
    return result.kind === 'single' ? [result.hit.code] : result.kind === 'ambiguous' ? result.choices.map((c) => c.code) : [];
  };

  it.each([
    ['离婚要带什么', ['MZ-HY-LH']],
    ['退休手续怎么办', ['YJS-TX', 'RS-YL-DY']],
    ['孩子上小学报名', ['JY-YW-RX', 'YJS-RX']],
    ['开餐馆', ['YJS-CYD']],
    ['灵活就业的养老保险怎么参保', ['RS-ZG-LHCB', 'YJS-LHJY']],
  ])('%s → %j first, never a newborn or housing-fund entry', (q, expected) => {
    const codes = top(q);
    expect(expected).toContain(codes[0]);
    expect(codes).not.toContain('YJS-XSE');
    expect(codes).not.toContain('GJJ-ZF-TQ');
  });

  it('does not mistake a canteen for opening a restaurant', () => {
    expect(top('你们食堂几点开饭')).toEqual([]);
  });
});
