import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandSchema, SMALL_TALK_TOPICS } from '../../../bot/understanding/commands';
import { DEFAULT_PROMPT_FILE } from '../../../integrations/llm/config';
import { maskSnapshot } from '../../../integrations/llm/mask';
import { loadSystemPrompt, modelInput, promptMessages } from '../../../integrations/llm/prompt';
import { atContactName, atOccasion } from './snapshots';

const dir = mkdtempSync(join(tmpdir(), 'banshi-prompt-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('the shipped system prompt', () => {
  const prompt = loadSystemPrompt(DEFAULT_PROMPT_FILE);

  it('describes every command kind and small-talk topic the schema allows', () => {
    for (const option of CommandSchema.options) expect(prompt).toContain(`"kind":"${option.shape.kind.value}"`);
    expect(prompt).toContain(SMALL_TALK_TOPICS.join('|'));
  });

  it('says json, has no administrator comments left, forbids resident-facing text', () => {
    expect(prompt).toMatch(/json/);
    expect(prompt).not.toContain('<!--');
    expect(prompt).toContain('你不写任何给居民看的话');
  });
});

describe('loadSystemPrompt', () => {
  it('refuses a missing, empty, json-less or overlong prompt, naming LLM_PROMPT_FILE', () => {
    expect(() => loadSystemPrompt(join(dir, 'missing.md'))).toThrow(/LLM_PROMPT_FILE: cannot read ".*missing\.md" \(ENOENT\)/);
    expect(() => loadSystemPrompt(file('empty.md', '<!-- only a comment -->\n'))).toThrow(/LLM_PROMPT_FILE: ".*empty\.md" is empty/);
    expect(() => loadSystemPrompt(file('plain.md', '把消息转成命令。'))).toThrow(/must mention json/);
    expect(() => loadSystemPrompt(file('long.md', `json ${'长'.repeat(12_001)}`))).toThrow(/keep it under 12000/);
    expect(loadSystemPrompt(file('ok.md', '<!-- note -->\n输出 JSON。'))).toBe('输出 JSON。');
  });
});

describe('promptMessages', () => {
  it('sends the system prompt, then the masked snapshot as one JSON object', () => {
    const [system, user] = promptMessages('输出 json', maskSnapshot(atContactName).snapshot);
    expect(system?.getType()).toBe('system');
    expect(user?.getType()).toBe('human');
    const input = JSON.parse(String(user?.content));
    expect(input).toEqual(modelInput(maskSnapshot(atContactName).snapshot));
    expect(input.message).toBe('我叫王芳，电话[PHONE_1]，身份证[ID_1]');
    expect(input.dialogue).toMatchObject({ flow: 'contact', question: { step: 'name', type: 'text' } });
  });

  it('lists the question with option values and labels, slots, flows and rounded scores', () => {
    expect(modelInput({ ...atOccasion, services: [{ code: 'GA-SFZ-HL', name: '居民身份证换领、补领', score: 0.61834 }] })).toEqual({
      message: '坏了刷不出来',
      dialogue: {
        flow: 'guide',
        title: '查办事材料',
        question: {
          step: 'scenario',
          kind: 'ask',
          slot: 'reply',
          type: 'choice',
          prompt: '您是哪种情况？',
          options: [
            { value: 'expired', label: '有效期满换领' },
            { value: 'damaged', label: '损坏换领' },
            { value: 'lost', label: '丢失补领' },
          ],
        },
        slots: [{ name: 'reply', type: 'choice', filled: false, prompt: '您是哪种情况？' }],
      },
      flows: atOccasion.flows,
      services: [{ code: 'GA-SFZ-HL', name: '居民身份证换领、补领', score: 0.62 }],
    });
  });
});
