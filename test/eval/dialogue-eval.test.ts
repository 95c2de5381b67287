import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFrame } from '../../flows/types';
import { stateOf } from './dialogue/conversation';
import { PASS_BAR, runDialogueEval } from './dialogue/evaluate';
import { loadKnown, type Known } from './dialogue/known';
import { EvalFormatError, evalFiles, formatProblem, loadEvalFiles, parseEvalFile } from './dialogue/load';
import { KINDS } from './dialogue/schema';

/** `npm run eval:dialogue` in CI: the files are well-formed, the harness measures, and (once the engine lands) the bar holds. */

let known: Known;
beforeAll(async () => {
  known = await loadKnown();
});

describe('dialogue evaluation files', () => {
  it('are all well-formed: at least 150 cases over every kind, each expecting something that exists', () => {
    const files = loadEvalFiles(known);
    const cases = files.flatMap((f) => f.data.cases.map((c) => ({ kind: f.data.kind, c })));
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const kind of KINDS) expect(cases.filter((c) => c.kind === kind).length, kind).toBeGreaterThanOrEqual(15);
  });

  it('refuse a broken file, naming file, case and field', () => {
    const problems = (source: string) => parseEvalFile(source, 'bad.yaml', known).problems.map(formatProblem);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证, menu: MENU_MAIN }]\n    expect: { flow: guide }\n')).toEqual([
      'bad.yaml: case "a": turns.0: each turn sends exactly one of say, menu, location, image, voice, subscribe, unsubscribe',
    ]);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证 }]\n    expect: { itmes: [GA-SFZ-HL] }\n')[0]).toMatch(/^bad\.yaml: case "a": expect: Unrecognized key.*itmes/);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证 }]\n    expect: { items: [GA-SFZ-XX], reached: [gide] }\n')).toEqual([
      expect.stringMatching(/^bad\.yaml: case "a": expect\.reached: unknown flow "gide" \(one of about, .*\bguide\b.*\)$/),
      'bad.yaml: case "a": expect.items: unknown catalogue code "GA-SFZ-XX"',
    ]);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证 }]\n    expect: { items: [GA-SFZ-HL], answers: { occasion: broken, colour: red } }\n')).toEqual([
      'bad.yaml: case "a": expect.answers.occasion: "broken" is not an option of "occasion" (expired, damaged, lost)',
      'bad.yaml: case "a": expect.answers.colour: "GA-SFZ-HL" asks no "colour" (its questions: occasion, residence, age)',
    ]);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证 }]\n')).toEqual(['bad.yaml: case "a": expect: the case expects nothing (a case that cannot fail measures nothing)']);
    expect(problems('kind: choice-words\ncases:\n  - name: a\n    turns: [{ say: 换身份证, after: 5 minutes }]\n    expect: { slots: { hall: { $nott: 1 } }, replyMatches: "([" }\n')).toEqual([
      'bad.yaml: case "a": turns.0.after: a duration like 90s, 45m, 2h or 1d',
      'bad.yaml: case "a": expect.slots.hall: unknown operator $nott (one of $not, $absent, $includes, $matches, $maxLength, $minLength, $oneOf)',
      expect.stringMatching(/^bad\.yaml: case "a": expect\.replyMatches: not a regular expression/),
    ]);
    expect(problems('kind: chit-chat\ncases: []\n').map((p) => p.split(':').slice(0, 2).join(':'))).toEqual(['bad.yaml: kind', 'bad.yaml: cases']);
    expect(problems('kind: [\n')[0]).toMatch(/^bad\.yaml: line \d+: YAML syntax error/);
  });

  it('refuse a case name used twice (across files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-dialogue-'));
    try {
      const doc = 'kind: baseline\ncases:\n  - name: same\n    turns: [{ say: 谢谢 }]\n    expect: { reached: [thanks] }\n';
      writeFileSync(join(dir, 'a.yaml'), doc);
      writeFileSync(join(dir, 'b.yaml'), doc);
      expect(() => loadEvalFiles(known, evalFiles(dir))).toThrow(EvalFormatError);
      expect(() => loadEvalFiles(known, evalFiles(dir))).toThrow('b.yaml: case "same": name: also used in a.yaml');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('dialogue evaluation harness', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-dialogue-'));
    writeFileSync(
      join(dir, 'harness.yaml'),
      [
        'kind: baseline',
        'cases:',
        '  - name: harness passes a met expectation',
        '    turns: [{ say: 驾照到期了怎么换 }, { say: 本人办理 }]',
        '    expect: { items: [GA-JSZ-HZ], answers: { applicant: self }, flow: guide, replyIncludes: 【机动车驾驶证期满换证】 }',
        '  - name: harness fails an unmet expectation',
        '    turns: [{ say: 谢谢 }]',
        '    expect: { reached: [thanks], handoff: true }',
        '  - name: harness sees a flow that starts and ends within a turn, and the clock per case',
        '    turns: [{ say: 提意见 }, { say: 1 }, { say: 前天, after: 20m }]',
        '    expect: { reached: [feedback], slots: { visitDate: "2026-11-29" } }',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  it('runs cases through the real bot and reports verdicts, the first unmet expectation and the transcript', async () => {
    const report = await runDialogueEval({ paths: evalFiles(dir), known });
    expect(report.overall).toEqual({ total: 3, passed: 2, rate: 2 / 3 });
    expect(report.byKind.baseline).toEqual(report.overall);
    const [met, unmet, clock] = report.results;
    expect(met?.passed).toBe(true);
    expect(clock?.passed).toBe(true);
    expect(unmet?.failures).toEqual([{ field: 'handoff', message: 'no hand-over to a human was requested (handoff.request)' }]);
    expect(unmet?.turns[0]?.reached).toContain('thanks');
    expect(met?.turns.map((t) => t.sent)).toEqual(['说：驾照到期了怎么换', '说：本人办理']);
  });

  it('swaps the understanding through the compose hook (here a reader that understands nothing, asked on every message)', async () => {
    const deaf = { understand: async () => ({ commands: [{ kind: 'cannot_handle' as const }], confidence: 1, source: 'llm' as const }) };
    const report = await runDialogueEval({ paths: evalFiles(dir), known, case: 'met expectation', mode: 'deaf', compose: () => ({ llm: () => deaf, llmBelow: 1.01 }) });
    expect(report.mode).toBe('deaf');
    expect(report.results[0]?.passed).toBe(false);
    expect(report.results[0]?.failures[0]?.field).toBe('items');
  });
});

describe('where a conversation stands', () => {
  const frame = (flowId: string, stepId: string, slots: FlowFrame['slots'] = {}): FlowFrame => ({ flowId, version: 1, stepId, slots, attempts: 0, history: [] });

  it('a called sub-flow (contact) counts as its caller; a dialogue started on top of a question is the one the resident is in', () => {
    const calling = stateOf(known, [frame('feedback', 'contact', { topic: '其他' }), frame('contact', 'phone', { name: '王' })]);
    expect(calling).toEqual({ flow: 'feedback', slots: { topic: '其他' } });
    const digressed = stateOf(known, [frame('feedback', 'detail', { topic: '其他' }), frame('guide', 'scenario', { guide: { code: 'GJJ-ZF-TQ', answers: { reason: 'rent' } } })]);
    expect(digressed.flow).toBe('guide');
    expect(digressed.guide).toEqual({ code: 'GJJ-ZF-TQ', answers: { reason: 'rent' } });
    expect(stateOf(known, [], [frame('guide', 'scenario', { guide: { code: 'GA-SFZ-HL', answers: {} } })])).toEqual({ flow: null, slots: {}, guide: { code: 'GA-SFZ-HL', answers: {} } });
  });

});

describe('dialogue evaluation bar', () => {
  it(`the offline set passes ${PASS_BAR * 100}%`, async () => {
    const report = await runDialogueEval({ known });
    const failing = report.results.filter((r) => !r.passed).map((r) => `${r.file}: ${r.name}: ${r.failures[0]?.field}: ${r.failures[0]?.message}`);
    expect(report.overall.rate, `failing cases:\n${failing.join('\n')}`).toBeGreaterThanOrEqual(PASS_BAR);
  });
});
