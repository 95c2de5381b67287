import { describe, expect, it } from 'vitest';
import { maskSnapshot } from '../../../integrations/llm/mask';
import { describeIssues, understoodSchemaFor } from '../../../integrations/llm/schema-refine';
import { atContactName, atOccasion, atVisitDate, greetingWithRequest } from './snapshots';
import type { DialogueSnapshot } from '../../../bot/understanding/snapshot';

function check(snapshot: DialogueSnapshot, answer: unknown) {
  const masking = maskSnapshot(snapshot);
  const result = understoodSchemaFor(masking.snapshot, masking.placeholders).safeParse(answer);
  return result.success ? 'ok' : describeIssues(result.error);
}

const one = (command: unknown) => ({ commands: [command], confidence: 0.9 });

describe('understoodSchemaFor: a reading must fit the snapshot it answers', () => {
  it('accepts commands that name what the snapshot offers', () => {
    expect(check(atOccasion, one({ kind: 'pick', option: 'damaged' }))).toBe('ok');
    expect(check(atOccasion, one({ kind: 'answer' }))).toBe('ok');
    expect(check(atOccasion, one({ kind: 'cancel' }))).toBe('ok');
    expect(check(atVisitDate, { commands: [{ kind: 'set_slot', slot: 'visitDate', value: '上周五' }, { kind: 'set_slot', slot: 'detail', value: '等了三个小时没人管' }], confidence: 0.8 })).toBe('ok');
    expect(check(greetingWithRequest, one({ kind: 'start', target: { service: 'GA-HK-CS' }, query: '孩子上户口要带啥' }))).toBe('ok');
    expect(check(greetingWithRequest, one({ kind: 'start', target: { flow: 'feedback' } }))).toBe('ok');
    expect(check(greetingWithRequest, one({ kind: 'clarify', targets: [{ service: 'GA-HK-CS' }, { service: 'YJS-XSE' }] }))).toBe('ok');
    expect(check(greetingWithRequest, one({ kind: 'small_talk', topic: 'greeting' }))).toBe('ok');
    expect(check(greetingWithRequest, one({ kind: 'human', reason: '要求人工' }))).toBe('ok');
    expect(check(atContactName, { commands: [{ kind: 'set_slot', slot: 'name', value: '王芳' }, { kind: 'set_slot', slot: 'phone', value: '[PHONE_1]' }], confidence: 0.9 })).toBe('ok');
  });

  it.each([
    ['an invented flow', greetingWithRequest, { kind: 'start', target: { flow: 'booking' } }, 'commands.0.target: names a flow that is not startable'],
    ['an invented service code', greetingWithRequest, { kind: 'start', target: { service: 'GA-HK-XX' } }, 'commands.0.target: names a service the search did not find'],
    ['an option label instead of its value', atOccasion, { kind: 'pick', option: '损坏换领' }, 'commands.0.option: not an option of the current question'],
    ['a pick without options', atVisitDate, { kind: 'pick', option: 'yes' }, 'commands.0: picks, but the question has no options'],
    ['a slot of no dialogue', atVisitDate, { kind: 'set_slot', slot: 'phone', value: '13912345678' }, 'commands.0.slot: not a slot of the dialogue in progress'],
    ['an answer with no question', greetingWithRequest, { kind: 'answer' }, 'commands.0: answers, but no question is waiting'],
    ['a cancel with no dialogue', greetingWithRequest, { kind: 'cancel' }, 'commands.0: cancels, but no dialogue is in progress'],
    ['a clarify with an invented target', greetingWithRequest, { kind: 'clarify', targets: [{ service: 'GA-HK-CS' }, { flow: 'booking' }] }, 'commands.0.targets.1: names a flow that is not startable'],
    ['a clarify naming one target twice', greetingWithRequest, { kind: 'clarify', targets: [{ service: 'GA-HK-CS' }, { service: 'GA-HK-CS' }] }, 'commands.0.targets: names the same target twice'],
    ['a placeholder it was not given', atContactName, { kind: 'set_slot', slot: 'phone', value: '[PHONE_2]' }, 'commands.0.value: uses a placeholder it was not given'],
  ])('refuses %s', (_what, snapshot, command, issue) => {
    expect(check(snapshot, one(command))).toBe(issue);
  });

  it('refuses what the commands schema refuses: unknown kinds, extra keys, no commands, confidence out of range', () => {
    expect(check(atOccasion, one({ kind: 'reply', text: '您好' }))).toMatch(/^commands\.0\.kind: /);
    expect(check(atOccasion, one({ kind: 'pick', option: 'damaged', text: '好的，已为您选择损坏换领' }))).toMatch(/^commands\.0: .*text/);
    expect(check(atOccasion, { commands: [], confidence: 0.9 })).toMatch(/^commands: /);
    expect(check(atOccasion, { commands: [{ kind: 'answer' }], confidence: 1.5 })).toMatch(/^confidence: /);
    expect(check(atOccasion, { commands: [{ kind: 'answer' }] })).toMatch(/^confidence: /);
  });

  it('issue lines quote no values', () => {
    expect(check(atOccasion, one({ kind: 'pick', option: '我的电话13912345678' }))).not.toMatch(/\d{5}/);
  });
});
