import { fakeModel } from '@langchain/core/testing';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import type { DialogueSnapshot, Understanding } from '../../../bot/understanding/snapshot';
import { loadLlmConfig } from '../../../integrations/llm/config';
import { createLlmUnderstanding } from '../../../integrations/llm/understanding';
import { logLines } from './log-lines';
import { atContactName, atOccasion, atVisitDate, greetingWithRequest, OFFLINE_READING } from './snapshots';

/**
 * Orchestration with langchain's fake chat models. The fakes skip schema validation (anchors.md
 * §4), so these tests are about our own checks: the refinement, the threshold, the fallback.
 */

const config = loadLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '2000' });

const offline: Understanding & { calls: DialogueSnapshot[] } = {
  calls: [],
  async understand(snapshot) {
    this.calls.push(snapshot);
    return OFFLINE_READING;
  },
};

function withAnswers(...answers: string[]) {
  const log = logLines();
  const understanding = createLlmUnderstanding({ config, offline, logger: log.logger, model: new FakeListChatModel({ responses: answers }) });
  return { understanding, log };
}

describe('LLM understanding with FakeListChatModel', () => {
  it('takes a valid reading: source llm, one log line without the message', async () => {
    const { understanding, log } = withAnswers('{"commands":[{"kind":"pick","option":"damaged"}],"confidence":0.92}');
    await expect(understanding.understand(atOccasion)).resolves.toEqual({ commands: [{ kind: 'pick', option: 'damaged' }], confidence: 0.92, source: 'llm' });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ msg: 'understanding: llm', path: 'llm', model: 'qwen-plus', provider: 'qwen', commands: ['pick'], confidence: 0.92 });
    expect(typeof log.lines[0]!.ms).toBe('number');
    expect(JSON.stringify(log.lines[0])).not.toContain('坏了');
  });

  it.each([
    ['an invented option', atOccasion, '{"commands":[{"kind":"pick","option":"broken"}],"confidence":0.9}', 'invalid', 'commands.0.option: not an option of the current question'],
    ['an invented flow', greetingWithRequest, '{"commands":[{"kind":"start","target":{"flow":"hukou"}}],"confidence":0.9}', 'invalid', 'commands.0.target: names a flow that is not startable'],
    ['an invented service code', greetingWithRequest, '{"commands":[{"kind":"start","target":{"service":"GA-HK-LH"}}],"confidence":0.9}', 'invalid', 'commands.0.target: names a service the search did not find'],
    ['resident-facing text', greetingWithRequest, '{"commands":[{"kind":"small_talk","topic":"greeting","reply":"您好！"}],"confidence":0.9}', 'invalid', undefined],
    ['text that is not JSON', atOccasion, '应该是损坏换领', 'invalid', 'not json'],
    ['an unsure reading', atVisitDate, '{"commands":[{"kind":"answer"}],"confidence":0.4}', 'low-confidence', 'confidence 0.4'],
  ])('falls back to the offline reading on %s', async (_what, snapshot, answer, reason, detail) => {
    offline.calls.length = 0;
    const { understanding, log } = withAnswers(answer);
    await expect(understanding.understand(snapshot)).resolves.toEqual({ ...OFFLINE_READING, reason });
    expect(offline.calls).toEqual([snapshot]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ path: 'offline', reason, commands: ['cannot_handle'], ...(detail ? { detail } : {}) });
  });

  it('honours the caller’s signal: an aborted turn gets the offline reading, reason aborted', async () => {
    const log = logLines();
    const understanding = createLlmUnderstanding({ config, offline, logger: log.logger, model: new FakeListChatModel({ responses: ['{"commands":[{"kind":"answer"}],"confidence":0.9}'], sleep: 5_000 }) });
    const turn = new AbortController();
    const reading = understanding.understand(atOccasion, { signal: turn.signal });
    turn.abort();
    await expect(reading).resolves.toEqual({ ...OFFLINE_READING, reason: 'aborted' });
  });

  it('a turn already given up never reaches the model', async () => {
    let calls = 0;
    const model = new FakeListChatModel({ responses: ['{"commands":[{"kind":"answer"}],"confidence":0.9}'], callbacks: [{ handleChatModelStart: () => void calls++ }] });
    const understanding = createLlmUnderstanding({ config, offline, logger: logLines().logger, model });
    await expect(understanding.understand(atOccasion, { signal: AbortSignal.abort() })).resolves.toEqual({ ...OFFLINE_READING, reason: 'aborted' });
    expect(calls).toBe(0);
  });

  it('lets only the offline reader’s own failure through', async () => {
    const failing: Understanding = { understand: async () => Promise.reject(new Error('offline broke')) };
    const understanding = createLlmUnderstanding({ config, offline: failing, logger: logLines().logger, model: new FakeListChatModel({ responses: ['nonsense'] }) });
    await expect(understanding.understand(atOccasion)).rejects.toThrow('offline broke');
  });
});

describe('LLM understanding with fakeModel() and a watched FakeListChatModel', () => {
  it('restores placeholders in set_slot values (fakeModel’s structured response)', async () => {
    const model = fakeModel().structuredResponse({
      commands: [
        { kind: 'set_slot', slot: 'name', value: '王芳' },
        { kind: 'set_slot', slot: 'phone', value: '[PHONE_1]' },
      ],
      confidence: 0.9,
    });
    const understanding = createLlmUnderstanding({ config, offline, logger: logLines().logger, model });
    await expect(understanding.understand(atContactName)).resolves.toEqual({
      commands: [
        { kind: 'set_slot', slot: 'name', value: '王芳' },
        { kind: 'set_slot', slot: 'phone', value: '138 1234 5678' },
      ],
      confidence: 0.9,
      source: 'llm',
    });
  });

  it('sends no ID or phone number to the model', async () => {
    const sent: string[] = [];
    const model = new FakeListChatModel({
      responses: ['{"commands":[{"kind":"set_slot","slot":"phone","value":"[PHONE_1]"}],"confidence":0.9}'],
      callbacks: [{ handleChatModelStart: (_llm, messages) => void sent.push(JSON.stringify(messages.flat().map((m) => m.content))) }],
    });
    const understanding = createLlmUnderstanding({ config, offline, logger: logLines().logger, model });
    await expect(understanding.understand(atContactName)).resolves.toMatchObject({ source: 'llm', commands: [{ value: '138 1234 5678' }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('我叫王芳，电话[PHONE_1]，身份证[ID_1]');
    expect(sent[0]).not.toMatch(/138|1234 5678|19491231/);
  });

  it('a missing structured response is invalid, not a crash', async () => {
    const understanding = createLlmUnderstanding({ config, offline, logger: logLines().logger, model: fakeModel() });
    await expect(understanding.understand(atOccasion)).resolves.toEqual({ ...OFFLINE_READING, reason: 'invalid' });
  });
});
