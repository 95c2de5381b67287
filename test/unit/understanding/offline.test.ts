import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../../flows/language/lexicon';
import { FlowRegistry } from '../../../flows/registry';
import { FlowSchema } from '../../../flows/schema';
import { checkCommands } from '../../../bot/understanding/check';
import { offlineUnderstanding } from '../../../bot/understanding/offline';
import type { DialogueSnapshot } from '../../../bot/understanding/snapshot';

const flow = (id: string, triggers: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  FlowSchema.parse({ id, version: 1, title: id, triggers, steps: [{ id: 'a', kind: 'say', text: 'x' }], ...extra });

const registry = new FlowRegistry();
registry.add([
  flow('guide', { intents: ['service.guide'] }, { title: '查办事材料' }),
  flow('feedback', { phrases: ['意见建议'], keywords: ['投诉', '提个建议'] }, { title: '意见建议' }),
  flow('thanks', { phrases: ['谢谢', '辛苦了', '谢谢啦'], intents: ['smalltalk.thanks'] }),
  flow('hall-hours', { keywords: ['几点下班'], intents: ['smalltalk.hours'] }),
  flow('about', { phrases: ['你是真人吗'], intents: ['smalltalk.about'] }),
]);
const reader = offlineUnderstanding({ lexicon: loadLexicon(), registry, serviceIntent: 'service.guide' });
const flows = registry.all().map((f) => ({ id: f.id, title: f.title }));

const outside = (text: string, services: DialogueSnapshot['services'] = [], servicesMatch: DialogueSnapshot['servicesMatch'] = 'none', servicesNamed = false): DialogueSnapshot => ({
  text,
  flows,
  services,
  servicesMatch,
  servicesNamed,
});
const ID_CARD = [{ code: 'GA-SFZ-HL', name: '居民身份证换领、补领', score: 30 }];
const PERMIT = [{ code: 'GA-JZZ-SL', name: '居住证申领', score: 30 }];
const at = (text: string, question: NonNullable<DialogueSnapshot['dialogue']>['question'], services = outside(text), flowId = 'feedback'): DialogueSnapshot => ({
  ...services,
  dialogue: { flow: { id: flowId, title: flowId === 'feedback' ? '意见建议' : '查办事材料' }, question, slots: [] },
});
const choice = { stepId: 'topic', kind: 'ask' as const, slot: 'topic', type: 'choice' as const, prompt: '哪方面？', options: [{ value: 'a', label: '办事大厅服务' }] };
const detail = { stepId: 'detail', kind: 'ask' as const, slot: 'detail', type: 'text' as const, prompt: '请具体说说', accepts: true };
const kinds = (s: DialogueSnapshot) => reader.read(s).commands.map((c) => c.kind);

describe('offline reader: outside a dialogue', () => {
  it.each([
    ['你好', ['small_talk']],
    ['在吗？', ['small_talk']],
    ['谢谢啦，辛苦了', ['small_talk']],
    ['你是真人吗', ['small_talk']],
    ['找个活人', ['human']],
    ['别让机器人回答了', ['human']],
    ['大厅几点下班', ['small_talk']],
    ['我要投诉窗口', ['start']],
    ['今天天气怎么样', ['cannot_handle']],
  ])('%s → %j', (text, expected) => {
    expect(kinds(outside(text))).toEqual(expected);
  });

  it('a greeting before the request is read past ("您好！想问下…")', () => {
    expect(reader.read(outside('您好！想问下身份证怎么换', ID_CARD, 'single', true)).commands).toEqual([{ kind: 'start', target: { service: 'GA-SFZ-HL' }, query: '身份证怎么换' }]);
  });

  it('several close services start the guide, which asks which', () => {
    expect(reader.read(outside('办个证', ID_CARD, 'ambiguous')).commands).toEqual([{ kind: 'start', target: { flow: 'guide' }, query: '办个证' }]);
  });
});

describe('offline reader: at a question', () => {
  it('an accepted answer is an answer', () => {
    expect(kinds(at('1', { ...choice, accepts: true }))).toEqual(['answer']);
  });

  it('a switch leaves the question for the new request', () => {
    const s = at('先不弄这个了，居住证怎么办', { ...choice, accepts: false }, outside('先不弄这个了，居住证怎么办', PERMIT, 'single', true));
    expect(reader.read(s).commands).toEqual([{ kind: 'start', target: { service: 'GA-JZZ-SL' }, query: '居住证怎么办' }]);
  });

  it('a switch with nothing after it cancels', () => {
    expect(kinds(at('先不弄这个了', { ...choice, accepts: false }))).toEqual(['cancel']);
  });

  it('a story that mentions a service is not a request for it', () => {
    const s = at('窗口办居住证的人态度差', { ...choice, accepts: false }, outside('窗口办居住证的人态度差', PERMIT, 'single', true));
    expect(kinds(s)).toEqual(['answer']);
  });

  it('a question about another service at a free-text question gets one check', () => {
    const s = at('居住证怎么办', detail, outside('居住证怎么办', PERMIT, 'single', true));
    expect(reader.read(s).commands).toEqual([{ kind: 'clarify', targets: [{ service: 'GA-JZZ-SL' }, { flow: 'feedback' }] }]);
  });

  it('…but not when nothing is named, only words the search knows', () => {
    const s = at('公众号的字能不能大一点', detail, outside('公众号的字能不能大一点', PERMIT, 'single', false));
    expect(kinds(s)).toEqual(['answer']);
  });

  it('an answer followed by a new request answers, then starts it', () => {
    const s = at('不是，我想问居住证怎么办', { ...choice, type: 'yesno', accepts: true }, outside('不是，我想问居住证怎么办', PERMIT, 'single', true));
    expect(reader.read(s).commands).toEqual([{ kind: 'answer', text: '不是' }, { kind: 'start', target: { service: 'GA-JZZ-SL' }, query: '我想问居住证怎么办' }]);
  });

  it('small talk in a dialogue is answered on top of it', () => {
    expect(kinds(at('你们几点下班', { ...choice, accepts: false }))).toEqual(['small_talk']);
  });
});

describe('checkCommands', () => {
  const s = at('x', { ...choice, accepts: false }, outside('x', ID_CARD, 'single'));
  it('drops what does not fit: unknown flows and services, options not offered, a second start', () => {
    expect(
      checkCommands(
        [
          { kind: 'start', target: { flow: 'nope' } },
          { kind: 'start', target: { service: 'XX' } },
          { kind: 'pick', option: 'zzz' },
          { kind: 'start', target: { service: 'GA-SFZ-HL' } },
          { kind: 'start', target: { flow: 'thanks' } },
        ],
        s,
      ),
    ).toEqual([{ kind: 'start', target: { service: 'GA-SFZ-HL' } }]);
  });

  it('a clarify stands alone; with fewer than two valid targets it is dropped', () => {
    expect(checkCommands([{ kind: 'answer' }, { kind: 'clarify', targets: [{ service: 'GA-SFZ-HL' }, { flow: 'feedback' }] }], s)).toEqual([
      { kind: 'clarify', targets: [{ service: 'GA-SFZ-HL' }, { flow: 'feedback' }] },
    ]);
    expect(checkCommands([{ kind: 'clarify', targets: [{ service: 'GA-SFZ-HL' }, { service: 'XX' }] }], s)).toEqual([{ kind: 'cannot_handle' }]);
  });

  it('answers and cancels need a dialogue', () => {
    expect(checkCommands([{ kind: 'answer' }, { kind: 'cancel' }], outside('x'))).toEqual([{ kind: 'cannot_handle' }]);
  });
});
