import { afterEach, describe, expect, it } from 'vitest';
import type { DialogueSnapshot, Understanding } from '../../bot/understanding/snapshot';
import { loadLlmConfig } from '../../integrations/llm/config';
import { createLlmUnderstanding } from '../../integrations/llm/understanding';
import { startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../fakes/openai-chat';
import { logLines } from '../unit/llm/log-lines';
import { atContactName, atOccasion, greetingWithRequest, OFFLINE_READING } from '../unit/llm/snapshots';

/**
 * The LLM understanding against a fake OpenAI-compatible endpoint on loopback: the real ChatOpenAI
 * client, HTTP, JSON mode and parser, our refinement and the fallback. Nothing leaves 127.0.0.1.
 */

const offline: Understanding = { understand: async () => OFFLINE_READING };
let fake: FakeOpenAi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(answer: FakeAnswer | ((n: number) => FakeAnswer), env: Record<string, string> = {}) {
  let n = 0;
  fake = await startFakeOpenAi(() => (typeof answer === 'function' ? answer(n++) : answer));
  const log = logLines();
  const config = loadLlmConfig({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'sk-city-key', ...env });
  return { fake, log, understanding: createLlmUnderstanding({ config, offline, logger: log.logger }) };
}

const content = (value: unknown): FakeAnswer => ({ kind: 'content', content: typeof value === 'string' ? value : JSON.stringify(value) });
const startBirth = { commands: [{ kind: 'start', target: { service: 'GA-HK-CS' }, query: '孩子上户口要带啥' }], confidence: 0.9 };
const withNumbers: DialogueSnapshot = { ...greetingWithRequest, text: '您好！我电话13912345678，身份证11010519491231002X，想问下孩子上户口要带啥' };

describe('request shape per provider profile', () => {
  it.each([
    ['qwen-plus', {}, { enable_thinking: false }],
    ['deepseek-chat', {}, { thinking: { type: 'disabled' } }],
    ['glm-4.5-air', {}, { thinking: { type: 'disabled' } }],
    ['gpt-4.1-mini', {}, {}],
    ['Qwen3-32B', { LLM_PROVIDER: 'qwen', LLM_EXTRA_BODY: '{"enable_thinking":null,"chat_template_kwargs":{"enable_thinking":false}}' }, { chat_template_kwargs: { enable_thinking: false } }],
  ])('%s %j', async (model, env, extraBody) => {
    const { fake, understanding } = await setUp(content(startBirth), { LLM_MODEL: model, ...env });
    await expect(understanding.understand(withNumbers)).resolves.toEqual({ ...startBirth, source: 'llm' });

    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-city-key');
    const { messages, ...body } = request.body;
    expect(body).toEqual({ model, temperature: 0, max_tokens: 400, response_format: { type: 'json_object' }, stream: false, ...extraBody });
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('tools');
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toMatch(/json/);
    const sent = JSON.stringify(messages);
    expect(sent).not.toMatch(/13912345678|11010519491231002X|\d{11}/);
    expect(JSON.parse(messages[1]!.content)).toMatchObject({ message: '您好！我电话[PHONE_1]，身份证[ID_1]，想问下孩子上户口要带啥', dialogue: null });
  });
});

describe('answers the model gets right', () => {
  it('set_slot values get the numbers back', async () => {
    const { understanding } = await setUp(content({ commands: [{ kind: 'set_slot', slot: 'name', value: '王芳' }, { kind: 'set_slot', slot: 'phone', value: '[PHONE_1]' }], confidence: 0.93 }));
    await expect(understanding.understand(atContactName)).resolves.toEqual({
      commands: [
        { kind: 'set_slot', slot: 'name', value: '王芳' },
        { kind: 'set_slot', slot: 'phone', value: '138 1234 5678' },
      ],
      confidence: 0.93,
      source: 'llm',
    });
  });

  it('JSON in a markdown fence (a deployment that ignores JSON mode) still parses', async () => {
    const { understanding } = await setUp(content('```json\n{"commands":[{"kind":"pick","option":"damaged"}],"confidence":0.9}\n```'));
    await expect(understanding.understand(atOccasion)).resolves.toMatchObject({ source: 'llm', commands: [{ kind: 'pick', option: 'damaged' }] });
  });
});

describe('late answers: the deadline holds whatever the model does', () => {
  it.each([
    ['a reply slower than the deadline', { kind: 'content', content: JSON.stringify(startBirth), delayMs: 30_000 } as FakeAnswer],
    ['no reply at all', { kind: 'hang' } as FakeAnswer],
  ])('%s: offline reading (timeout) before the fake answered; the request is abandoned', async (_what, answer) => {
    const { fake, understanding, log } = await setUp(answer, { LLM_TIMEOUT_MS: '300' });
    const reading = await understanding.understand(greetingWithRequest);
    expect(reading).toEqual({ ...OFFLINE_READING, reason: 'timeout' });
    // The call returned while the fake was still holding its answer back…
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.answered).toBe(false);
    // …and the client closed the connection instead of waiting for it.
    await fake.requests[0]!.settled;
    expect(fake.requests[0]).toMatchObject({ answered: false, abandoned: true });
    expect(log.lines).toEqual([expect.objectContaining({ path: 'offline', reason: 'timeout', msg: 'understanding: offline (timeout)' })]);
  });

  it('the caller’s signal ends the attempt too (reason aborted)', async () => {
    const { fake, understanding } = await setUp({ kind: 'hang' });
    const turn = new AbortController();
    const reading = understanding.understand(greetingWithRequest, { signal: turn.signal });
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    turn.abort();
    await expect(reading).resolves.toEqual({ ...OFFLINE_READING, reason: 'aborted' });
    await fake.requests[0]!.settled;
    expect(fake.requests[0]!.abandoned).toBe(true);
  });
});

describe('wrong answers fall back to the offline reading', () => {
  it.each([
    ['not JSON', '您好，孩子上户口需要带出生医学证明和户口簿。', 'not json commands'],
    ['JSON that is not commands', { intent: 'service.guide', slots: {} }, 'not json commands'],
    ['resident-facing text in a command', { commands: [{ kind: 'start', target: { service: 'GA-HK-CS' }, reply: '请带出生医学证明' }], confidence: 0.9 }, 'not json commands'],
    ['an invented flow', { commands: [{ kind: 'start', target: { flow: 'hukou' } }], confidence: 0.9 }, 'commands.0.target: names a flow that is not startable'],
    ['an invented service code', { commands: [{ kind: 'start', target: { service: 'GA-HK-LH' } }], confidence: 0.9 }, 'commands.0.target: names a service the search did not find'],
    ['a clarify with one invented code', { commands: [{ kind: 'clarify', targets: [{ service: 'GA-HK-CS' }, { service: 'GA-HK-XX' }] }], confidence: 0.8 }, 'commands.0.targets.1: names a service the search did not find'],
  ])('%s → invalid', async (_what, answer, detail) => {
    const { understanding, log } = await setUp(content(answer));
    await expect(understanding.understand(greetingWithRequest)).resolves.toEqual({ ...OFFLINE_READING, reason: 'invalid' });
    expect(log.lines).toEqual([expect.objectContaining({ level: 40, path: 'offline', reason: 'invalid', detail })]);
    expect(JSON.stringify(log.lines)).not.toContain('户口');
  });

  it('an unsure reading → low-confidence (threshold from LLM_MIN_CONFIDENCE)', async () => {
    const { understanding, log } = await setUp(content({ ...startBirth, confidence: 0.7 }), { LLM_MIN_CONFIDENCE: '0.8' });
    await expect(understanding.understand(greetingWithRequest)).resolves.toEqual({ ...OFFLINE_READING, reason: 'low-confidence' });
    expect(log.lines).toEqual([expect.objectContaining({ level: 30, reason: 'low-confidence', detail: 'confidence 0.7' })]);
  });
});

describe('failing endpoints: one attempt, then offline', () => {
  it.each([
    [500, 'error: http 500'],
    [503, 'error: http 503'],
    [429, 'error: http 429'],
    [401, 'error: http 401'],
  ])('HTTP %i → %s, no retry, the error text is not logged', async (status, reason) => {
    const { fake, understanding, log } = await setUp({ kind: 'status', status, message: 'upstream failed for 我电话[PHONE_1]' });
    await expect(understanding.understand(withNumbers)).resolves.toEqual({ ...OFFLINE_READING, reason });
    expect(fake.requests).toHaveLength(1);
    expect(log.lines).toEqual([expect.objectContaining({ level: 40, path: 'offline', reason })]);
    expect(JSON.stringify(log.lines)).not.toContain('upstream failed');
  });

  it('an endpoint that is not listening → error: connection', async () => {
    const gone = await startFakeOpenAi();
    await gone.close();
    const log = logLines();
    const config = loadLlmConfig({ LLM_BASE_URL: gone.baseUrl, LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'k' });
    const understanding = createLlmUnderstanding({ config, offline, logger: log.logger });
    await expect(understanding.understand(greetingWithRequest)).resolves.toEqual({ ...OFFLINE_READING, reason: 'error: connection' });
  });
});
