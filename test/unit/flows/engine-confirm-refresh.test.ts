import { describe, expect, it } from 'vitest';
import { advance, startFlow } from '../../../flows/engine';
import type { EngineResult } from '../../../flows/types';
import { ctx, flowsOf, say, texts } from './engine-helpers';

// A summary prepared by an action (masked values): an edit must go back through the action.
const flows = flowsOf(
  {
    id: 'order',
    version: 1,
    title: '预约',
    steps: [
      { id: 'when', kind: 'flow', flow: 'pick-day', saveAs: 'when' },
      { id: 'name', kind: 'ask', slot: 'name', type: 'fullName', prompt: '姓名？' },
      { id: 'prepare', kind: 'action', action: 'demo.prepare', input: { name: '{{name}}', day: '{{when.day}}' }, saveAs: 'prep' },
      { id: 'review', kind: 'confirm', summary: '{{prep.line}}', refresh: 'prepare', edit: [{ label: '日期', step: 'when' }, { label: '姓名', step: 'name' }] },
      { id: 'done', kind: 'end', text: '好了' },
    ],
  },
  { id: 'pick-day', version: 1, title: '选日子', steps: [{ id: 'day', kind: 'ask', slot: 'day', type: 'date', prompt: '哪天？' }] },
);

/** Runs the engine, answering demo.prepare like an action would. */
function settle(result: EngineResult): EngineResult {
  let r = result;
  while (r.outcome.status === 'action') {
    const input = r.outcome.request.input;
    r = advance(flows, r.frames, { kind: 'action-result', ok: true, output: { line: `${String(input.name).slice(0, 1)}* ${String(input.day)}` } }, ctx);
  }
  return r;
}

const answer = (r: EngineResult, text: string) => settle(advance(flows, r.frames, say(text), ctx));

describe('engine: confirm with refresh, and sub-dialogue edits', () => {
  it('an edited field goes back through the preparing action before the summary', () => {
    let r = settle(startFlow(flows, 'order', ctx));
    r = answer(r, '明天');
    r = answer(r, '张桂兰');
    expect(texts(r)).toEqual(['张* 2026-12-02']);
    r = answer(r, '姓名写错了');
    expect(texts(r)).toEqual(['姓名？']);
    r = answer(r, '李秀英');
    expect(texts(r)).toEqual(['李* 2026-12-02']);
  });

  it('a sub-dialogue run as an edit comes back to the summary, not through the questions after it', () => {
    let r = settle(startFlow(flows, 'order', ctx));
    r = answer(r, '明天');
    r = answer(r, '张桂兰');
    r = answer(r, '我要修改');
    r = answer(r, '日期');
    expect(texts(r)).toEqual(['哪天？']);
    r = answer(r, '后天');
    expect(texts(r)).toEqual(['张* 2026-12-03']);
    expect(r.frames.at(-1)?.stepId).toBe('review');
  });
});
