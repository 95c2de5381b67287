import { describe, expect, it } from 'vitest';
import { FlowRuntimeError, advance, startFlow } from '../../../flows/engine';
import type { EngineInput } from '../../../flows/types';
import { ctx, flowsOf, frozen, say, texts } from './engine-helpers';

describe('engine: branch', () => {
  const flows = flowsOf({
    id: 'route',
    version: 1,
    title: 'T',
    steps: [
      { id: 'age', kind: 'ask', slot: 'age', type: 'number', prompt: '几岁？' },
      {
        id: 'which',
        kind: 'branch',
        cases: [
          { when: { slot: 'age', lt: 16 }, next: 'child' },
          { when: { all: [{ slot: 'age', gte: 60 }, { slot: 'age', lte: 200 }] }, next: 'senior' },
        ],
        otherwise: 'adult',
      },
      { id: 'child', kind: 'say', text: '未满16岁，需要监护人陪同。', next: 'fin' },
      { id: 'senior', kind: 'say', text: '60岁以上可走绿色通道。', next: 'fin' },
      { id: 'adult', kind: 'say', text: '请本人带身份证办理。' },
      { id: 'fin', kind: 'end', text: '祝您办事顺利。' },
    ],
  });

  it.each([
    ['10', ['未满16岁，需要监护人陪同。', '祝您办事顺利。']],
    ['七十', ['60岁以上可走绿色通道。', '祝您办事顺利。']],
    ['30', ['请本人带身份证办理。', '祝您办事顺利。']],
  ])('age %s → %j', (answer, replies) => {
    const result = advance(flows, startFlow(flows, 'route', ctx).frames, say(answer), ctx);
    expect(texts(result)).toEqual(replies);
    expect(result.outcome).toEqual({ status: 'done' });
  });

  it('a branch with no match and no otherwise falls through to the following step', () => {
    const fallThrough = flowsOf({
      id: 'ft',
      version: 1,
      title: 'T',
      params: ['x'],
      steps: [
        { id: 'b', kind: 'branch', cases: [{ when: { slot: 'x', equals: 1 }, next: 'one' }] },
        { id: 'other', kind: 'end', text: '不是1' },
        { id: 'one', kind: 'end', text: '是1' },
      ],
    });
    expect(texts(startFlow(fallThrough, 'ft', ctx, { x: 2 }))).toEqual(['不是1']);
    expect(texts(startFlow(fallThrough, 'ft', ctx, { x: 1 }))).toEqual(['是1']);
  });

  it('textFrom says each text of a list slot; start names the first step', () => {
    const list = flowsOf({
      id: 'list',
      version: 1,
      title: 'T',
      params: ['answer'],
      start: 'b',
      steps: [
        { id: 'a', kind: 'say', text: '不会说到这里' },
        { id: 'b', kind: 'say', textFrom: 'answer.lines' },
        { id: 'c', kind: 'say', text: ['第一条', '第二条'] },
      ],
    });
    expect(texts(startFlow(list, 'list', ctx, { answer: { lines: ['材料一', 2, '材料二'] } }))).toEqual(['材料一', '材料二', '第一条', '第二条']);
  });
});

describe('engine: actions', () => {
  const flows = flowsOf({
    id: 'act',
    version: 1,
    title: 'T',
    params: ['profile'],
    steps: [
      { id: 'name', kind: 'ask', slot: 'name', type: 'text', prompt: '姓名？' },
      {
        id: 'lookup',
        kind: 'action',
        action: 'demo.lookup',
        input: { name: '{{name}}', profile: '{{profile}}', missing: '{{nothing}}', greeting: '您好{{name}}', n: 3, flag: true, none: null },
        saveAs: 'found',
        onError: 'oops',
      },
      { id: 'show', kind: 'end', text: '查到：{{found.title}}' },
      { id: 'oops', kind: 'end', text: '没查到，换个说法试试。' },
    ],
  });
  const plain = flowsOf({
    id: 'plain',
    version: 1,
    title: 'T',
    steps: [
      { id: 'go', kind: 'action', action: 'demo.lookup' },
      { id: 'after', kind: 'say', text: '完成' },
    ],
  });
  const profile = { city: '本市', tags: ['a'] };
  const atAction = () => advance(flows, startFlow(flows, 'act', ctx, { profile }).frames, say('张三'), ctx);

  it('an action step stops with a request: templates rendered, a bare {{slot}} passed raw, literals kept', () => {
    const result = atAction();
    expect(result.outcome).toEqual({
      status: 'action',
      request: { action: 'demo.lookup', stepId: 'lookup', flowId: 'act', input: { name: '张三', profile, missing: null, greeting: '您好张三', n: 3, flag: true, none: null } },
    });
    expect(result.replies).toEqual([]);
    expect(result.frames[0]).toMatchObject({ stepId: 'lookup', waiting: 'action' });
  });

  it('an ok result is saved under saveAs and the flow goes on', () => {
    const input = frozen(atAction().frames);
    const result = advance(flows, input.frames, { kind: 'action-result', ok: true, output: { title: '护照办理' } }, ctx);
    input.unchanged();
    expect(texts(result)).toEqual(['查到：护照办理']);
    expect(result.outcome).toEqual({ status: 'done' });
  });

  it('a failure goes to onError', () => {
    const result = advance(flows, atAction().frames, { kind: 'action-result', ok: false, error: 'timeout' }, ctx);
    expect(texts(result)).toEqual(['没查到，换个说法试试。']);
  });

  it('a failure without onError apologises and ends the flow', () => {
    const frames = startFlow(plain, 'plain', ctx).frames;
    const result = advance(plain, frames, { kind: 'action-result', ok: false, error: 'boom' }, ctx);
    expect(texts(result)).toEqual(['抱歉，系统暂时出了点问题，这一步没有完成。请稍后再试，或回复“人工”联系工作人员。']);
    expect(result.outcome).toEqual({ status: 'done' });
    expect(result.frames).toEqual([]);
  });

  it('an ok result without saveAs just moves on', () => {
    const frames = startFlow(plain, 'plain', ctx).frames;
    expect(texts(advance(plain, frames, { kind: 'action-result', ok: true, output: null }, ctx))).toEqual(['完成']);
  });

  it('an action result while not waiting for one is a runtime error naming the flow', () => {
    const frames = startFlow(flows, 'act', ctx, { profile }).frames;
    const input: EngineInput = { kind: 'action-result', ok: true, output: 1 };
    expect(() => advance(flows, frames, input, ctx)).toThrow(new FlowRuntimeError('advance(): got an action result while not waiting for one in flow act@1'));
  });
});

describe('engine: calling flows', () => {
  const child = {
    id: 'child',
    version: 1,
    title: '子流程',
    params: ['who'],
    steps: [
      { id: 'age', kind: 'ask', slot: 'age', type: 'number', prompt: '{{who}}几岁？' },
      { id: 'bye', kind: 'end', text: '收到{{who}}的年龄。' },
    ],
  };
  const parent = (ret: boolean) => ({
    id: 'parent',
    version: 1,
    title: '主流程',
    steps: [
      { id: 'name', kind: 'ask', slot: 'name', type: 'text', prompt: '姓名？' },
      { id: 'call', kind: 'flow', flow: 'child', with: { who: '{{name}}', fixed: 7 }, saveAs: 'kid', return: ret },
      { id: 'after', kind: 'say', text: '回到主流程：{{kid.who}} {{kid.age}}岁。' },
    ],
  });

  it('a flow step pushes the callee with its `with` params; on its end the caller resumes with saveAs', () => {
    const flows = flowsOf(child, parent(true));
    const called = advance(flows, startFlow(flows, 'parent', ctx).frames, say('小明'), ctx);
    expect(texts(called)).toEqual(['小明几岁？']);
    expect(called.frames.map((f) => `${f.flowId}@${f.stepId}`)).toEqual(['parent@call', 'child@age']);
    expect(called.frames[1]?.slots).toEqual({ who: '小明', fixed: 7 });
    const input = frozen(called.frames);
    const back = advance(flows, input.frames, say('8'), ctx);
    input.unchanged();
    expect(texts(back)).toEqual(['收到小明的年龄。', '回到主流程：小明 8岁。']);
    expect(back.frames).toEqual([]);
    expect(back.outcome).toEqual({ status: 'done' });
  });

  it('return: false hands the conversation over to the callee', () => {
    const flows = flowsOf(child, parent(false));
    const called = advance(flows, startFlow(flows, 'parent', ctx).frames, say('小明'), ctx);
    expect(called.frames.map((f) => f.flowId)).toEqual(['child']);
    expect(texts(advance(flows, called.frames, say('8'), ctx))).toEqual(['收到小明的年龄。']);
  });

  it('startFlow on top of running frames keeps them below', () => {
    const flows = flowsOf(child, parent(true));
    const running = startFlow(flows, 'parent', ctx).frames;
    const input = frozen(running);
    const result = startFlow(flows, 'child', ctx, { who: '您' }, input.frames);
    input.unchanged();
    expect(result.frames.map((f) => f.flowId)).toEqual(['parent', 'child']);
    expect(texts(result)).toEqual(['您几岁？']);
  });
});

describe('engine: handoff, errors', () => {
  it('a handoff step says its text, clears the frames and reports the reason', () => {
    const flows = flowsOf({ id: 'h', version: 1, title: 'T', params: ['topic'], steps: [{ id: 'h', kind: 'handoff', text: '正在为您转接{{topic}}专员。', reason: 'asked' }] });
    const result = startFlow(flows, 'h', ctx, { topic: '社保' });
    expect(result).toEqual({ frames: [], replies: [{ kind: 'text', text: '正在为您转接社保专员。' }], outcome: { status: 'handoff', reason: 'asked' }, entered: ['h'] });
  });

  it('a loop without input throws FlowRuntimeError naming flow@version', () => {
    const flows = flowsOf({
      id: 'loop',
      version: 3,
      title: 'T',
      params: ['x'],
      steps: [
        { id: 'a', kind: 'branch', cases: [{ when: { slot: 'x', exists: false }, next: 'b' }] },
        { id: 'b', kind: 'branch', cases: [{ when: { slot: 'x', exists: false }, next: 'a' }] },
      ],
    });
    expect(() => startFlow(flows, 'loop', ctx)).toThrow(FlowRuntimeError);
    expect(() => startFlow(flows, 'loop', ctx)).toThrow('more than 200 steps without input (a loop?) in flow loop@3');
  });

  it('unknown flows and versions are runtime errors that name them', () => {
    const flows = flowsOf({ id: 'one', version: 1, title: 'T', steps: [{ id: 'q', kind: 'ask', slot: 'a', type: 'text', prompt: '?' }] });
    expect(() => startFlow(flows, 'nope', ctx)).toThrow('startFlow(): unknown flow "nope"');
    const gone = [{ flowId: 'one', version: 2, stepId: 'q', slots: {}, attempts: 0, history: [] }];
    expect(() => advance(flows, gone, say('x'), ctx)).toThrow('advance(): flow one@2 is not loaded');
    const badStep = [{ flowId: 'one', version: 1, stepId: 'zz', slots: {}, attempts: 0, history: [] }];
    expect(() => advance(flows, badStep, say('x'), ctx)).toThrow('advance(): unknown step "zz" in flow one@1');
  });

  it('advance() with no frames is done', () => {
    const flows = flowsOf({ id: 'one', version: 1, title: 'T', steps: [{ id: 'e', kind: 'end' }] });
    expect(advance(flows, [], say('x'), ctx)).toEqual({ frames: [], replies: [], outcome: { status: 'done' }, entered: [] });
  });

  it('a conversation finishes on the version it started, after a newer one is loaded', () => {
    const v1 = { id: 'v', version: 1, title: 'T', steps: [{ id: 'q', kind: 'ask', slot: 'a', type: 'text', prompt: 'v1?' }, { id: 'e', kind: 'end', text: 'v1 done' }] };
    const v2 = { ...v1, version: 2, steps: [{ id: 'q', kind: 'ask', slot: 'a', type: 'text', prompt: 'v2?' }, { id: 'e', kind: 'end', text: 'v2 done' }] };
    const flows = flowsOf(v1);
    const frames = startFlow(flows, 'v', ctx).frames;
    flows.add([flowsOf(v2).latest('v')!]);
    expect(texts(advance(flows, frames, say('x'), ctx))).toEqual(['v1 done']);
    expect(texts(startFlow(flows, 'v', ctx))).toEqual(['v2?']);
  });
});

describe('engine: turn-scoped slots', () => {
  const flows = flowsOf({
    id: 'answer',
    version: 1,
    title: 'T',
    steps: [
      { id: 'compose', kind: 'action', action: 'demo.compose', input: {}, saveAs: '_long' },
      { id: 'tell', kind: 'say', textFrom: '_long.messages' },
      { id: 'more', kind: 'ask', slot: 'more', type: 'yesno', prompt: '还要别的吗？' },
    ],
  });

  it('are readable in the turn that wrote them and gone once the flow waits for the resident', () => {
    const started = startFlow(flows, 'answer', ctx);
    expect(started.outcome).toMatchObject({ status: 'action' });
    const input: EngineInput = { kind: 'action-result', ok: true, output: { messages: ['第一段', '第二段'] } };
    const result = advance(flows, started.frames, input, ctx);
    expect(texts(result)).toEqual(['第一段', '第二段', '还要别的吗？']);
    expect(result.frames[0]?.slots).toEqual({});
  });
});
