import { describe, expect, it } from 'vitest';
import { FlowRegistry } from '../../../flows/registry';
import { FlowSchema, type Flow } from '../../../flows/schema';

function flow(id: string, version: number, triggers: Record<string, string[]> = {}): Flow {
  return FlowSchema.parse({ id, version, title: `${id} v${version}`, triggers, steps: [{ id: 'e', kind: 'end' }] });
}

describe('FlowRegistry', () => {
  const registry = new FlowRegistry();
  registry.add([
    flow('booking', 1, { keywords: ['预约'] }),
    flow('booking', 3, { phrases: ['我要预约'], keywords: ['预约', '预约办理'], menu: ['MENU_BOOK'], intents: ['book'], scenes: ['hall-qr'] }),
    flow('booking', 2, { keywords: ['旧关键词'] }),
    flow('passport', 1, { keywords: ['护照', '预约护照'], intents: ['passport'] }),
    flow('welcome', 1, { events: ['subscribe'], phrases: ['你好'] }),
    flow('hotline', 1, { topics: ['没人收', '垃圾'] }),
  ]);

  it('keeps every version and picks the highest as latest, whatever the order added', () => {
    expect([1, 2, 3].map((v) => registry.get('booking', v)?.version)).toEqual([1, 2, 3]);
    expect(registry.latest('booking')?.version).toBe(3);
    expect(registry.get('booking', 4)).toBeUndefined();
    expect(registry.latest('nope')).toBeUndefined();
    expect(registry.all().map((f) => `${f.id}@${f.version}`)).toEqual(['booking@3', 'passport@1', 'welcome@1', 'hotline@1']);
  });

  it.each([
    ['我要预约', 'booking'],
    ['你好', 'welcome'],
    ['我要预约护照', undefined],
    ['预约', undefined],
  ])('byPhrase(%s) → %s (the whole message only)', (text, id) => {
    expect(registry.byPhrase(text)?.id).toBe(id);
  });

  it.each([
    ['我想预约', 'booking'],
    ['我想预约护照', 'passport'],
    ['护照怎么办', 'passport'],
    ['预约办理护照', 'booking'],
    // A phrase is the whole message only: a greeting inside a sentence does not start its flow.
    ['你好，在吗', undefined],
    ['旧关键词', undefined],
    ['随便问问', undefined],
    // A keyword right after a negation is no request for its flow; named again without one, it is.
    ['不想预约了', undefined],
    ['我不想预约了，还是想预约', 'booking'],
  ])('byKeyword(%s) → %s (longest keyword wins; only the latest versions count; phrases are not keywords)', (text, id) => {
    expect(registry.byKeyword(text)?.id).toBe(id);
  });

  it('reads topics apart from keywords: the longest named, none after a negation', () => {
    expect(registry.byTopic('楼下垃圾好几天没人收了')?.id).toBe('hotline');
    expect(registry.byKeyword('楼下垃圾好几天没人收了')).toBeUndefined();
    expect(registry.byTopic('不是垃圾的事')?.id).toBe('hotline');
    expect(registry.byTopic('预约护照')).toBeUndefined();
  });

  it('looks up menu keys, intents, scenes and events on the latest versions', () => {
    expect(registry.byMenuKey('MENU_BOOK')?.version).toBe(3);
    expect(registry.byMenuKey('MENU_NONE')).toBeUndefined();
    expect(registry.byIntent('passport')?.id).toBe('passport');
    expect(registry.byIntent('book')?.id).toBe('booking');
    expect(registry.byIntent('other')).toBeUndefined();
    expect(registry.byScene('hall-qr')?.id).toBe('booking');
    expect(registry.byScene('x')).toBeUndefined();
    expect(registry.byEvent('subscribe')?.id).toBe('welcome');
  });

  it('adding a newer version re-indexes the triggers', () => {
    const r = new FlowRegistry();
    r.add([flow('a', 1, { keywords: ['旧'] })]);
    expect(r.byKeyword('旧的')?.id).toBe('a');
    r.add([flow('a', 2, { keywords: ['新'] })]);
    expect(r.byKeyword('旧的')).toBeUndefined();
    expect(r.byKeyword('新的')?.version).toBe(2);
  });
});
