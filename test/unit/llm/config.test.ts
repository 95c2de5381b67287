import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/config';
import { DEFAULT_PROMPT_FILE, LlmEnvSchema, loadLlmConfig } from '../../../integrations/llm/config';
import { inferProvider } from '../../../integrations/llm/profiles';

const BASE = { LLM_BASE_URL: 'https://dashscope.aliyuncs.com/compatible-mode/v1', LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'sk-secret-value' };

function errorOf(env: Record<string, string>): string {
  try {
    loadLlmConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadLlmConfig', () => {
  it('is off without LLM_BASE_URL and LLM_MODEL (empty strings count as unset)', () => {
    expect(loadLlmConfig({})).toEqual({ enabled: false });
    expect(loadLlmConfig({ LLM_BASE_URL: '', LLM_MODEL: '', LLM_API_KEY: '' })).toEqual({ enabled: false });
  });

  it('fills defaults and the profile of the provider told by the model name', () => {
    expect(loadLlmConfig(BASE)).toEqual({
      enabled: true,
      baseUrl: BASE.LLM_BASE_URL,
      model: 'qwen-plus',
      apiKey: 'sk-secret-value',
      provider: 'qwen',
      extraBody: { enable_thinking: false },
      timeoutMs: 2500,
      minConfidence: 0.6,
      promptFile: DEFAULT_PROMPT_FILE,
    });
  });

  it.each([
    ['deepseek-chat', 'deepseek', { thinking: { type: 'disabled' } }],
    ['glm-4.5-air', 'glm', { thinking: { type: 'disabled' } }],
    ['gpt-4.1-mini', 'openai', {}],
    ['Qwen/Qwen3-32B', 'qwen', { enable_thinking: false }],
  ])('%s → %s', (model, provider, extraBody) => {
    const config = loadLlmConfig({ ...BASE, LLM_MODEL: model });
    expect(config).toMatchObject({ provider });
    expect(config.enabled && config.extraBody).toEqual(extraBody);
  });

  it('LLM_PROVIDER wins over the name; LLM_EXTRA_BODY merges over the profile, null removing a key', () => {
    const config = loadLlmConfig({
      ...BASE,
      LLM_MODEL: 'city-model-v2',
      LLM_PROVIDER: 'qwen',
      LLM_EXTRA_BODY: '{"chat_template_kwargs":{"enable_thinking":false},"enable_thinking":null}',
      LLM_TIMEOUT_MS: '1800',
      LLM_MIN_CONFIDENCE: '0.75',
      LLM_RECORD: '/tmp/answers.json',
      LLM_PROMPT_FILE: '/etc/banshi/prompt.md',
    });
    expect(config.enabled && config.extraBody).toEqual({ chat_template_kwargs: { enable_thinking: false } });
    expect(config).toMatchObject({
      provider: 'qwen',
      timeoutMs: 1800,
      minConfidence: 0.75,
      recordFile: '/tmp/answers.json',
      promptFile: '/etc/banshi/prompt.md',
    });
  });

  it('names every missing or bad variable, and never prints the API key', () => {
    expect(errorOf({ LLM_MODEL: 'qwen-plus' })).toBe(
      'invalid configuration:\n' +
        '  LLM_BASE_URL: required when the LLM is configured (e.g. https://dashscope.aliyuncs.com/compatible-mode/v1)\n' +
        '  LLM_API_KEY: required when the LLM is configured (any non-empty value for a deployment without keys)',
    );
    expect(errorOf({ LLM_MODEL: 'deepseek-chat', LLM_API_KEY: 'k' })).toContain('LLM_BASE_URL: required when the LLM is configured (e.g. https://api.deepseek.com)');
    expect(errorOf({ ...BASE, LLM_MODEL: 'city-model-v2' })).toContain('LLM_PROVIDER: required: the provider cannot be told from LLM_MODEL "city-model-v2" (one of qwen, deepseek, glm, openai)');
    expect(errorOf({ ...BASE, LLM_BASE_URL: 'ftp://x' })).toContain('LLM_BASE_URL: an http:// or https:// URL (got "ftp://x")');
    expect(errorOf({ ...BASE, LLM_TIMEOUT_MS: '6000' })).toContain('LLM_TIMEOUT_MS: a whole number from 100 to 4500 (got "6000")');
    expect(errorOf({ ...BASE, LLM_MIN_CONFIDENCE: '2' })).toContain('LLM_MIN_CONFIDENCE: a number from 0 to 1 (got "2")');
    expect(errorOf({ ...BASE, LLM_PROVIDER: 'baidu' })).toContain('LLM_PROVIDER: one of qwen, deepseek, glm, openai (got "baidu")');
    expect(errorOf({ ...BASE, LLM_EXTRA_BODY: '{oops' })).toContain('LLM_EXTRA_BODY: a JSON object');
    expect(errorOf({ ...BASE, LLM_EXTRA_BODY: '[1]' })).toContain('LLM_EXTRA_BODY: a JSON object');
    expect(errorOf({ ...BASE, LLM_EXTRA_BODY: '{"response_format":{"type":"text"}}' })).toContain('LLM_EXTRA_BODY: must not set model, messages, response_format');
    for (const env of [{ ...BASE, LLM_MODEL: 'x', LLM_TIMEOUT_MS: 'abc' }, { ...BASE, LLM_BASE_URL: 'nope' }]) expect(errorOf(env)).not.toContain('sk-secret-value');
  });
});

describe('inferProvider', () => {
  it.each([
    ['qwen-plus', 'qwen'],
    ['qwen3-235b-a22b-instruct-2507', 'qwen'],
    ['QwQ-32B', 'qwen'],
    ['deepseek-v4-flash', 'deepseek'],
    ['deepseek-ai/DeepSeek-V3', 'deepseek'],
    ['GLM-4.7', 'glm'],
    ['chatglm3-6b', 'glm'],
    ['gpt-4o-mini', 'openai'],
    ['o4-mini', 'openai'],
    ['ernie-4.0', undefined],
    ['llama-3-70b', undefined],
  ])('%s → %s', (model, provider) => {
    expect(inferProvider(model)).toBe(provider);
  });
});

describe('.env.example', () => {
  it('documents every LLM variable', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(LlmEnvSchema.shape)) expect(example).toMatch(new RegExp(`^# ${name}=`, 'm'));
  });
});
