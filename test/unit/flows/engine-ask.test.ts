import { describe, expect, it } from 'vitest';
import { advance, back, currentQuestion, currentStep, currentTitle, restart, startFlow } from '../../../flows/engine';
import type { FlowFrame } from '../../../flows/types';
import { ctx, flowsOf, frozen, say, texts } from './engine-helpers';

const booking = {
  id: 'booking',
  version: 1,
  title: '预约',
  params: ['service'],
  steps: [
    { id: 'hello', kind: 'say', text: '您好，这里是{{city}}。' },
    {
      id: 'ask-name',
      kind: 'ask',
      slot: 'name',
      type: 'text',
      minLength: 2,
      maxAttempts: 4,
      prompt: '请问怎么称呼？',
      reprompts: ['请告诉我您的姓名。', '姓名就行，比如“张三”。'],
    },
    { id: 'ask-date', kind: 'ask', slot: 'date', type: 'date', notPast: true, prompt: '{{name}}，您哪天来？' },
    { id: 'ask-phone', kind: 'ask', slot: 'phone', type: 'phone', optional: true, prompt: '留个手机号？（可回复“跳过”）' },
    {
      id: 'check',
      kind: 'confirm',
      summary: '{{name}}，{{date | date: "M月D日"}}，{{phone | default: "未留电话"}}',
      edit: [
        { label: '姓名', step: 'ask-name' },
        { label: '日期', step: 'ask-date' },
      ],
    },
    { id: 'done', kind: 'end', text: '已预约{{service | default: "办事"}}。' },
  ],
};

const flows = flowsOf(booking);
const STUCK_HELP = '这一步好像不太顺利。需要帮忙可以回复“人工”转人工客服，回复“菜单”回到主菜单；也可以再回答一次：';

/** Feeds answers one after another from a fresh start, checking the input is never written to. */
function run(answers: string[], params = { service: '护照' }) {
  let result = startFlow(flows, 'booking', ctx, params);
  for (const answer of answers) {
    const input = frozen(result.frames);
    result = advance(flows, input.frames, say(answer), ctx);
    input.unchanged();
  }
  return result;
}

describe('engine: say → ask → answer → next', () => {
  it('starts with the say step and the first question, params in the slots', () => {
    const result = startFlow(flows, 'booking', ctx, { service: '护照' });
    expect(result.replies).toEqual([
      { kind: 'text', text: '您好，这里是本市。' },
      { kind: 'text', text: '请问怎么称呼？' },
    ]);
    expect(result.outcome).toEqual({ status: 'waiting' });
    expect(result.frames).toEqual([{ flowId: 'booking', version: 1, stepId: 'ask-name', slots: { service: '护照' }, attempts: 0, history: [] }]);
  });

  it('an answer fills the slot and the following step asks (default next)', () => {
    const result = run(['张三']);
    expect(texts(result)).toEqual(['张三，您哪天来？']);
    expect(result.frames[0]).toMatchObject({ stepId: 'ask-date', slots: { service: '护照', name: '张三' }, history: [{ step: 'ask-name', unset: ['name'] }], attempts: 0 });
  });

  it('walks to the confirm summary, an optional 跳过 storing null', () => {
    const result = run(['张三', '明天', '跳过']);
    expect(result.frames[0]?.slots).toEqual({ service: '护照', name: '张三', date: '2026-12-02', phone: null });
    expect(result.replies).toEqual([
      { kind: 'choices', text: '张三，12月2日，未留电话', options: [{ label: '确认无误' }, { label: '我要修改' }, { label: '不用了' }] },
    ]);
  });

  it('confirming runs the end step and the flow is done', () => {
    const result = run(['张三', '明天', '13812345678', '1']);
    expect(texts(result)).toEqual(['已预约护照。']);
    expect(result.outcome).toEqual({ status: 'done' });
    expect(result.frames).toEqual([]);
  });
});

describe('engine: the reprompt ladder and the stuck offer', () => {
  const problem = '请再多说几句（至少2个字）。';

  it.each([
    [1, ['请告诉我您的姓名。']],
    [2, ['姓名就行，比如“张三”。']],
    [3, ['姓名就行，比如“张三”。']],
  ])('failed answer #%d: the reason, then the ladder wording (the last one repeats)', (attempt, wording) => {
    const result = run(Array.from({ length: attempt }, () => '张'));
    expect(texts(result)).toEqual([problem, ...wording]);
    expect(result.frames[0]?.attempts).toBe(attempt);
    expect(result.outcome).toEqual({ status: 'waiting' });
  });

  it('after maxAttempts the resident is told how to get help (人工 / 菜单) and asked once more', () => {
    const result = run(['张', '张', '张', '张']);
    expect(texts(result)).toEqual([problem, STUCK_HELP, '请问怎么称呼？']);
    expect(result.frames[0]).toMatchObject({ attempts: 0 });
    expect(result.frames[0]?.waiting).toBeUndefined();
    expect(result.outcome).toEqual({ status: 'waiting' });
    // The runtime is told where the resident is stuck (it may offer a person); only on that turn.
    expect(result.stuck).toEqual({ flowId: 'booking', stepId: 'ask-name' });
    expect(run(['张', '张', '张']).stuck).toBeUndefined();
    expect(run(['张', '张', '张', '张', '张']).stuck).toBeUndefined();
  });

  it('after the help hint a valid answer still works', () => {
    expect(texts(run(['张', '张', '张', '张', '张三丰']))).toEqual(['张三丰，您哪天来？']);
  });

  it('after the help hint another wrong answer starts the ladder again', () => {
    const result = run(['张', '张', '张', '张', '张']);
    expect(texts(result)).toEqual([problem, '请告诉我您的姓名。']);
    expect(result.frames[0]).toMatchObject({ attempts: 1 });
  });

  it('without reprompts the prompt is repeated; without a reason only the prompt comes', () => {
    const result = run(['张三', '随便哪天']);
    expect(texts(result)).toEqual(['张三，您哪天来？']);
    expect(texts(run(['张三', '昨天']))).toEqual(['11月30日已经过去了，请选一个今天或以后的日期。', '张三，您哪天来？']);
  });

  it('onMaxAttempts goes to its step instead of the offer', () => {
    const giveUp = flowsOf({
      id: 'give-up',
      version: 1,
      title: 'T',
      steps: [
        { id: 'q', kind: 'ask', slot: 'n', type: 'number', maxAttempts: 2, onMaxAttempts: 'sorry', prompt: '几个人？' },
        { id: 'ok', kind: 'end', text: '好的，{{n}}位。' },
        { id: 'sorry', kind: 'end', text: '没关系，我们到现场再说。' },
      ],
    });
    const first = advance(giveUp, startFlow(giveUp, 'give-up', ctx).frames, say('很多'), ctx);
    expect(texts(first)).toEqual(['请回复一个数字。', '几个人？']);
    const second = advance(giveUp, first.frames, say('很多'), ctx);
    expect(texts(second)).toEqual(['没关系，我们到现场再说。']);
    expect(second.outcome).toEqual({ status: 'done' });
    expect(second.stuck).toBeUndefined();
  });
});

describe('engine: confirm', () => {
  const atConfirm = () => run(['张三', '明天', '13812345678']).frames;

  it.each(['3', '不用了', '不要', '否'])('%s ends the flow without submitting', (answer) => {
    const result = advance(flows, atConfirm(), say(answer), ctx);
    expect(texts(result)).toEqual(['好的，这次先不提交。需要时随时找我。']);
    expect(result.outcome).toEqual({ status: 'done' });
  });

  it.each(['1', '确认无误', '是的', '好'])('%s confirms', (answer) => {
    expect(texts(advance(flows, atConfirm(), say(answer), ctx))).toEqual(['已预约护照。']);
  });

  it.each(['2', '我要修改', '修改', '改一下'])('%s with several edits asks which field', (answer) => {
    const result = advance(flows, atConfirm(), say(answer), ctx);
    expect(result.replies).toEqual([{ kind: 'choices', text: '要修改哪一项？', options: [{ label: '姓名' }, { label: '日期' }] }]);
    expect(result.frames[0]?.waiting).toBe('edit-pick');
    expect(currentQuestion(flows, result.frames, ctx)).toEqual(result.replies);
  });

  it('an edit asks the field again (even though it is filled) and returns to the confirm step', () => {
    let frames = advance(flows, atConfirm(), say('2'), ctx).frames;
    const wrongPick = advance(flows, frames, say('电话'), ctx);
    expect(texts(wrongPick)).toEqual(['要修改哪一项？']);
    frames = wrongPick.frames;
    const asked = advance(flows, frames, say('日期'), ctx);
    expect(texts(asked)).toEqual(['张三，您哪天来？']);
    expect(asked.frames[0]).toMatchObject({ stepId: 'ask-date', returnTo: 'check', waiting: undefined });
    const back = advance(flows, asked.frames, say('后天'), ctx);
    expect(back.replies).toEqual([{ kind: 'choices', text: '张三，12月3日，13812345678', options: [{ label: '确认无误' }, { label: '我要修改' }, { label: '不用了' }] }]);
    expect(back.frames[0]).toMatchObject({ stepId: 'check', returnTo: undefined });
  });

  it('with one edit, 修改 goes straight to that question', () => {
    const oneEdit = flowsOf({
      id: 'one',
      version: 1,
      title: 'T',
      steps: [
        { id: 'q', kind: 'ask', slot: 'phone', type: 'phone', prompt: '手机号？' },
        { id: 'c', kind: 'confirm', summary: '手机{{phone | mask}}', edit: [{ label: '手机号', step: 'q' }], onNo: 'bye' },
        { id: 'ok', kind: 'end', text: '已提交。' },
        { id: 'bye', kind: 'end', text: '已取消。' },
      ],
    });
    const atC = advance(oneEdit, startFlow(oneEdit, 'one', ctx).frames, say('13812345678'), ctx);
    expect(atC.replies[0]).toMatchObject({ text: '手机138****5678' });
    const edit = advance(oneEdit, atC.frames, say('我要修改'), ctx);
    expect(texts(edit)).toEqual(['手机号？']);
    const changed = advance(oneEdit, edit.frames, say('13987654321'), ctx);
    expect(texts(changed)).toEqual(['手机139****4321']);
    expect(texts(advance(oneEdit, changed.frames, say('3'), ctx))).toEqual(['已取消。']);
  });

  it('at 要修改哪一项？ the summary’s own yes still confirms (no loop on the field list)', () => {
    const picking = advance(flows, atConfirm(), say('我要修改'), ctx);
    expect(texts(picking)).toContain('要修改哪一项？');
    const confirmed = advance(flows, picking.frames, say('确认无误'), ctx);
    expect(confirmed.frames[0]?.stepId).not.toBe('check');
  });

  it('a part of the yes label is the yes ("提交" for 确认提交): here "无误" for 确认无误', () => {
    const result = advance(flows, atConfirm(), say('无误'), ctx);
    expect(result.frames[0]?.stepId).not.toBe('check');
  });

  it('an unclear reply asks for one of the choices (the summary is just above); the second time, how to get help', () => {
    const result = advance(flows, atConfirm(), say('啥意思'), ctx);
    expect(texts(result)).toEqual(['刚才的内容还没提交。请回复“确认无误”、“我要修改”或“不用了”（也可以回复数字）。']);
    expect(result.frames[0]?.stepId).toBe('check');
    const again = advance(flows, result.frames, say('停水了'), ctx);
    expect(texts(again)[0]).toMatch(/^这一步好像不太顺利。需要帮忙可以回复“人工”/u);
    expect(again.stuck).toEqual({ flowId: again.frames[0]?.flowId, stepId: 'check' });
    expect(texts(advance(flows, again.frames, say('1'), ctx))).not.toContain('这一步好像不太顺利');
  });
});

describe('engine: back, restart, currentQuestion', () => {
  it('back() re-asks the previous question and forgets its answer', () => {
    const atPhone = run(['张三', '明天']);
    const input = frozen(atPhone.frames);
    const result = back(flows, input.frames, ctx);
    input.unchanged();
    expect(texts(result)).toEqual(['张三，您哪天来？']);
    expect(result.frames[0]).toMatchObject({ stepId: 'ask-date', history: [{ step: 'ask-name' }] });
    expect(result.frames[0]?.slots).not.toHaveProperty('date');
  });

  it('back() also undoes what the answer led to (an action output), and asks with the restored state', () => {
    const looped = flowsOf({
      id: 'loop',
      version: 1,
      title: 'T',
      steps: [
        { id: 'q', kind: 'ask', slot: 'reply', type: 'text', skipIfFilled: false, prompt: '第{{state.n}}问' },
        { id: 'next', kind: 'action', action: 'demo.next', input: { state: '{{state}}' }, saveAs: 'state', next: 'q' },
      ],
      params: ['state'],
    });
    const at1 = startFlow(looped, 'loop', ctx, { state: { n: 1 } });
    const acting = advance(looped, at1.frames, say('甲'), ctx);
    expect(acting.outcome).toMatchObject({ status: 'action' });
    const at2 = advance(looped, acting.frames, { kind: 'action-result', ok: true, output: { n: 2 } }, ctx);
    expect(texts(at2)).toEqual(['第2问']);
    const backed = back(looped, at2.frames, ctx);
    expect(texts(backed)).toEqual(['第1问']);
    expect(backed.frames[0]?.slots).toEqual({ state: { n: 1 } });
  });

  it('back() at the first question says so and asks it again', () => {
    const start = startFlow(flows, 'booking', ctx, { service: '护照' });
    const result = back(flows, start.frames, ctx);
    expect(texts(result)).toEqual(['已经是第一步了。', '请问怎么称呼？']);
    expect(result.frames).toEqual(start.frames);
  });

  it('restart() starts again from the first step, keeping params only', () => {
    const atPhone = run(['张三', '明天']);
    const input = frozen(atPhone.frames);
    const result = restart(flows, input.frames, ctx);
    input.unchanged();
    expect(texts(result)).toEqual(['您好，这里是本市。', '请问怎么称呼？']);
    expect(result.frames).toEqual([{ flowId: 'booking', version: 1, stepId: 'ask-name', slots: { service: '护照' }, attempts: 0, history: [] }]);
    expect(restart(flows, [], ctx)).toEqual({ frames: [], replies: [], outcome: { status: 'done' }, entered: [] });
  });

  it('currentQuestion() renders the waiting question without changing anything', () => {
    const atDate = run(['张三']);
    const input = frozen(atDate.frames);
    expect(currentQuestion(flows, input.frames, ctx)).toEqual([{ kind: 'text', text: '张三，您哪天来？' }]);
    input.unchanged();
    expect(currentQuestion(flows, [], ctx)).toEqual([]);
    expect(currentStep(flows, atDate.frames)?.id).toBe('ask-date');
    expect(currentTitle(flows, atDate.frames)).toBe('预约');
  });

  it('currentQuestion() at a confirm step shows its summary and options', () => {
    const frames = run(['张三', '明天', '跳过']).frames;
    expect(currentQuestion(flows, frames, ctx)).toEqual([
      { kind: 'choices', text: '张三，12月2日，未留电话', options: [{ label: '确认无误' }, { label: '我要修改' }, { label: '不用了' }] },
    ]);
  });
});

describe('engine: ask step variants', () => {
  const variants = flowsOf({
    id: 'variants',
    version: 1,
    title: 'T',
    params: ['known', 'places'],
    steps: [
      { id: 'known-q', kind: 'ask', slot: 'known', type: 'text', prompt: '不该问到这里' },
      { id: 'pick', kind: 'ask', slot: 'place', type: 'choice', optionsFrom: 'places', prompt: '选哪个？' },
      { id: 'again', kind: 'ask', slot: 'known', type: 'text', skipIfFilled: false, prompt: '还是{{known}}吗？' },
      { id: 'agree', kind: 'ask', slot: 'agree', type: 'yesno', prompt: '同意吗？' },
      { id: 'fin', kind: 'end', text: '{{place | default: "无"}}/{{known}}/{{agree}}' },
    ],
  });

  it('skips a filled slot, asks choices from a slot, re-asks with skipIfFilled false, yes/no as choices', () => {
    const places = [{ label: '市民中心', value: 'c1' }, { label: '东区分中心', value: 'c2' }, 'junk'];
    const start = startFlow(variants, 'variants', ctx, { known: '张三', places });
    expect(start.replies).toEqual([{ kind: 'choices', text: '选哪个？', options: [{ label: '市民中心', value: 'c1' }, { label: '东区分中心', value: 'c2' }] }]);
    const picked = advance(variants, start.frames, say('东区'), ctx);
    expect(picked.frames[0]?.slots.place).toBe('c2');
    expect(texts(picked)).toEqual(['还是张三吗？']);
    const agree = advance(variants, picked.frames, say('李四'), ctx);
    expect(agree.replies).toEqual([{ kind: 'choices', text: '同意吗？', options: [{ label: '是' }, { label: '否' }] }]);
    expect(texts(advance(variants, agree.frames, say('是的'), ctx))).toEqual(['c2/李四/是']);
  });

  it('a choice whose optionsFrom is empty stores null and moves on', () => {
    const start = startFlow(variants, 'variants', ctx, { known: '张三', places: [] });
    expect(texts(start)).toEqual(['还是张三吗？']);
    expect(start.frames[0]?.slots.place).toBeNull();
  });

  it('an out-of-range number on a choice names the range', () => {
    const start = startFlow(variants, 'variants', ctx, { known: '张三', places: [{ label: '市民中心' }] });
    expect(texts(advance(variants, start.frames, say('3'), ctx))).toEqual(['没有第3项，请回复1到1之间的数字。', '选哪个？']);
  });
});

describe('engine: input frames are never written to', () => {
  it.each<[string, string[]]>([
    ['a wrong answer', ['张']],
    ['the help hint after max attempts', ['张', '张', '张', '张']],
    ['an edit pick', ['张三', '明天', '跳过', '2']],
    ['an edit answer', ['张三', '明天', '跳过', '2', '姓名', '李四']],
  ])('%s', (_label, answers) => {
    // run() freezes the frames before every advance(); reaching here means nothing was written.
    const frames: FlowFrame[] = run(answers).frames;
    expect(frames.length).toBe(1);
  });
});
