import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actionSignatures } from '../../../bot/actions';
import { FLOW_VARS, shippedActions } from '../../../bot/compose';
import { defineAction, signatureOf } from '../../../flows/actions';
import { DEFAULT_FLOWS_DIR, FlowDefinitionError, flowFiles, loadFlows, parseFlow } from '../../../flows/loader';

const saveAction = defineAction({
  name: 'demo.save',
  description: 'test action',
  input: z.object({ name: z.string(), note: z.string().optional(), count: z.number().default(1) }),
  output: z.object({ id: z.string() }),
  run: async () => ({ id: 'x' }),
});
const actions = new Map([['demo.save', signatureOf(saveAction)]]);
const SLOT_TYPES = 'text, choice, yesno, date, time, phone, idNumber, name, fullName, number, location, image';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'banshi-loader-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes files into a fresh directory and loads it; returns the problems (empty when it loads). */
async function problemsOf(files: Record<string, string>): Promise<{ dir: string; problems: string[] }> {
  const dir = join(root, String(++n));
  await mkdir(dir);
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  try {
    await loadFlows(dir, { actions, vars: ['city'] });
    return { dir, problems: [] };
  } catch (error) {
    if (!(error instanceof FlowDefinitionError)) throw error;
    return { dir, problems: error.problems };
  }
}

/** A flow file with the given steps (YAML lines, indented under `steps:`). */
const flowYaml = (steps: string, head = 'id: f\nversion: 1\ntitle: 测试'): string => `${head}\nsteps:\n${steps}`;

describe('loadFlows: schema problems name the file, the step and the field', () => {
  it.each([
    [
      'an unknown slot type',
      '  - id: pick-date\n    kind: ask\n    slot: d\n    type: dat\n    prompt: 哪天？\n',
      `step "pick-date": unknown slot type "dat" (one of ${SLOT_TYPES}) (flow f, field type)`,
    ],
    ['an unknown step kind', '  - id: s1\n    kind: sya\n    text: hi\n', 'step "s1": unknown step kind "sya" (one of say, ask, confirm, branch, action, flow, handoff, end) (flow f, field kind)'],
    ['a say step without text', '  - id: s1\n    kind: say\n', 'step "s1": a say step needs exactly one of text or textFrom (flow f)'],
    ['an unknown field', '  - id: s1\n    kind: say\n    text: hi\n    colour: red\n', 'step "s1": Unrecognized key: "colour" (flow f)'],
    ['a step without an id', '  - kind: say\n    text: hi\n', 'step #1: Invalid input: expected string, received undefined (flow f, field id)'],
    ['a condition without a test', '  - id: b\n    kind: branch\n    cases:\n      - { when: { slot: a }, next: b }\n', 'step "b": a slot condition needs a test (equals, in, exists, gt …) (flow f, field cases.0.when)'],
  ])('%s', async (_label, steps, message) => {
    const { dir, problems } = await problemsOf({ 'bad.yaml': flowYaml(steps) });
    expect(problems).toEqual([`${join(dir, 'bad.yaml')}: ${message}`]);
  });

  it('top-level fields are named', async () => {
    const { dir, problems } = await problemsOf({ 'bad.yaml': 'id: Bad_Id\nversion: 0\ntitle: T\nsteps: []\n' });
    const file = join(dir, 'bad.yaml');
    expect(problems).toEqual([
      `${file}: field id: lower-case letters, digits and "-", starting with a letter (flow Bad_Id)`,
      `${file}: field version: Too small: expected number to be >=1 (flow Bad_Id)`,
      `${file}: field steps: Too small: expected array to have >=1 items (flow Bad_Id)`,
    ]);
  });

  it('a YAML syntax error names the line', async () => {
    const { dir, problems } = await problemsOf({ 'bad.yaml': 'id: f\nversion: 1\ntitle: T\nsteps:\n  - id: s\n    kind: say\n    text: "unclosed\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'bad.yaml')}: YAML syntax error at line \\d+: `));
  });
});

describe('loadFlows: reference problems name the file, the flow, the step and the field', () => {
  const ask = (id: string, slot: string, extra = '') => `  - id: ${id}\n    kind: ask\n    slot: ${slot}\n    type: text\n    prompt: 请说\n${extra}`;
  it.each([
    ['an unknown next', `${ask('a', 'x')}    next: nowhere\n`, 'step "a": next names unknown step "nowhere"'],
    ['an unknown onMaxAttempts', `${ask('a', 'x')}    onMaxAttempts: nowhere\n`, 'step "a": onMaxAttempts names unknown step "nowhere"'],
    ['an unknown start', ask('a', 'x'), 'start names unknown step "zz"', 'id: f\nversion: 1\ntitle: 测试\nstart: zz'],
    [
      'an unknown onError',
      '  - id: act\n    kind: action\n    action: demo.save\n    input: { name: 张三 }\n    onError: oops\n',
      'step "act": onError names unknown step "oops"',
    ],
    [
      'an unknown edit target',
      `${ask('a', 'x')}  - id: c\n    kind: confirm\n    summary: "{{x}}"\n    edit: [{ label: 姓名, step: nme }]\n`,
      'step "c": edit names unknown step "nme"',
    ],
    [
      'an edit naming a say step',
      `${ask('a', 'x')}  - id: hi\n    kind: say\n    text: hi\n  - id: c\n    kind: confirm\n    summary: "{{x}}"\n    edit: [{ label: 问候, step: hi }]\n`,
      'step "c": edit "问候" must name an ask or flow step, not say "hi"',
    ],
    ['an unknown action', '  - id: act\n    kind: action\n    action: demo.nope\n', 'step "act": unknown action "demo.nope" (known: demo.save)'],
    [
      'an action input field that does not exist',
      '  - id: act\n    kind: action\n    action: demo.save\n    input: { name: a, nam: b }\n',
      'step "act": action "demo.save" has no input field "nam" (fields: name, note, count)',
    ],
    ['a missing required action input', '  - id: act\n    kind: action\n    action: demo.save\n    input: { note: b }\n', 'step "act": action "demo.save" needs input field "name"'],
    ['an action input reading an unknown slot', '  - id: act\n    kind: action\n    action: demo.save\n    input: { name: "{{who}}" }\n', 'step "act": input reads unknown slot "who"'],
    ['an unknown called flow', '  - id: call\n    kind: flow\n    flow: nope\n', 'step "call": unknown flow "nope"'],
    ['a template reading an unknown slot', `${ask('a', 'name')}  - id: s\n    kind: say\n    text: "{{nme}}您好，{{city}}欢迎您"\n`, 'step "s": text reads unknown slot "nme"'],
    ['a prompt reading a later slot is fine but an unknown one is not', ask('a', 'x', '    reprompts: ["{{y}}?"]\n'), 'step "a": prompt reads unknown slot "y"'],
    [
      'a bad template filter',
      `${ask('a', 'name')}  - id: s\n    kind: say\n    text: "{{name | upper}}"\n`,
      'step "s": text: unknown template filter "upper" (one of date, default, mask, join, count)',
    ],
    ['unbalanced braces', `${ask('a', 'name')}  - id: e\n    kind: end\n    text: "{{name}"\n`, 'step "e": text: unbalanced "{{" or "}}" in "{{name}"'],
    ['a duplicate step id', `${ask('a', 'x')}${ask('a', 'y')}`, 'step "a": duplicate step id'],
    ['a condition reading an unknown slot', '  - id: b\n    kind: branch\n    cases:\n      - { when: { slot: ghost.x, exists: true }, next: b }\n', 'step "b": condition reads unknown slot "ghost"'],
    ['a choice without options', '  - id: a\n    kind: ask\n    slot: x\n    type: choice\n    prompt: 选\n', 'step "a": a choice needs options or optionsFrom'],
    ['options on a text ask', `${ask('a', 'x')}    options: [{ label: 甲 }]\n`, 'step "a": options are only for types choice, date, time'],
    ['textFrom an unknown slot', '  - id: s\n    kind: say\n    textFrom: answer.lines\n', 'step "s": textFrom reads unknown slot "answer.lines"'],
  ])('%s', async (_label, steps, message, head?: string) => {
    const { dir, problems } = await problemsOf({ 'bad.yaml': flowYaml(steps, head) });
    expect(problems).toEqual([`${join(dir, 'bad.yaml')}: ${message} (flow f)`]);
  });

  it('a duplicate flow id across files names both files', async () => {
    const body = flowYaml('  - id: e\n    kind: end\n');
    const { dir, problems } = await problemsOf({ 'a.yaml': body, 'b.yaml': body });
    expect(problems).toEqual([`${join(dir, 'b.yaml')}: flow "f" is also defined in ${join(dir, 'a.yaml')}`]);
  });

  it('several problems are listed together in one error', async () => {
    const dir = join(root, 'many');
    await mkdir(dir);
    await writeFile(join(dir, 'x.yaml'), flowYaml('  - id: a\n    kind: say\n    text: "{{q}}"\n    next: zz\n'));
    const error = await loadFlows(dir, { actions, vars: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowDefinitionError);
    const file = join(dir, 'x.yaml');
    expect((error as Error).message).toBe(
      `2 problems in flow files:\n  ${file}: step "a": next names unknown step "zz" (flow f)\n  ${file}: step "a": text reads unknown slot "q" (flow f)`,
    );
  });

  it('a good set loads: cross-flow calls, params, vars, and *.test.yaml files are skipped', async () => {
    const { dir, problems } = await problemsOf({
      'caller.yaml': flowYaml(
        '  - id: call\n    kind: flow\n    flow: callee\n    with: { who: "{{city}}" }\n    saveAs: got\n  - id: act\n    kind: action\n    action: demo.save\n    input: { name: "{{got.who}}", count: 2 }\n',
        'id: caller\nversion: 1\ntitle: 调用',
      ),
      'callee.yaml': flowYaml('  - id: e\n    kind: end\n    text: "{{who}}"\n', 'id: callee\nversion: 2\ntitle: 被调\nparams: [who]'),
      'callee.test.yaml': 'not: [a flow',
    });
    expect(problems).toEqual([]);
    expect((await flowFiles(dir)).map((f) => f.slice(dir.length + 1))).toEqual(['callee.yaml', 'caller.yaml']);
  });
});

describe('parseFlow and signatureOf', () => {
  it('parseFlow returns the flow with schema defaults filled', () => {
    const { flow, problems } = parseFlow(flowYaml('  - id: q\n    kind: ask\n    slot: a\n    type: text\n    prompt: 问\n'), 'mem.yaml');
    expect(problems).toEqual([]);
    expect(flow?.triggers).toEqual({ phrases: [], keywords: [], topics: [], menu: [], intents: [], scenes: [], events: [] });
    expect(flow?.steps[0]).toMatchObject({ maxAttempts: 3, optional: false, skipIfFilled: true, interruptible: false });
  });

  it('signatureOf lists fields and the required ones (optional and defaulted are not required)', () => {
    expect(signatureOf(saveAction)).toEqual({ fields: ['name', 'note', 'count'], required: ['name'] });
  });
});

describe('the shipped flows', () => {
  it('every flow in flows/definitions loads against the real action signatures', async () => {
    const signatures = actionSignatures(shippedActions());
    const flows = await loadFlows(DEFAULT_FLOWS_DIR, { actions: signatures, vars: FLOW_VARS });
    expect(flows.length).toBe((await flowFiles(DEFAULT_FLOWS_DIR)).length);
    expect(flows.map((f) => f.id)).toEqual(expect.arrayContaining(['main-menu', 'feedback', 'guide', 'welcome', 'help', 'contact', 'fallback']));
  });
});
