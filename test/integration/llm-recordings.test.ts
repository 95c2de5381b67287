import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Understanding } from '../../bot/understanding/snapshot';
import { loadLlmConfig } from '../../integrations/llm/config';
import { maskSnapshot } from '../../integrations/llm/mask';
import { modelInput } from '../../integrations/llm/prompt';
import { inputKey, loadRecordings, snapshotKey } from '../../integrations/llm/recordings';
import { createReplayUnderstanding } from '../../integrations/llm/replay';
import { createLlmUnderstanding } from '../../integrations/llm/understanding';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/openai-chat';
import { logLines } from '../unit/llm/log-lines';
import { atContactName, atOccasion, FIXTURE_CASES, greetingWithRequest, OFFLINE_READING, vagueRequest } from '../unit/llm/snapshots';

/**
 * Recording (LLM_RECORD) against the fake endpoint, and replay from the file with no endpoint at
 * all: the dialogue evaluation's "with an LLM, by recorded fixtures otherwise".
 */

const FIXTURE = fileURLToPath(new URL('../fixtures/llm/recordings.json', import.meta.url));
const offline: Understanding = { understand: async () => OFFLINE_READING };
let fake: FakeOpenAi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('LLM_RECORD then replay', () => {
  it('records each answer under its snapshot key, and replays it without the endpoint', async () => {
    const answers = new Map([
      ['坏了刷不出来', '{"commands":[{"kind":"pick","option":"damaged"}],"confidence":0.92}'],
      ['我叫王芳，电话[PHONE_1]，身份证[ID_1]', '{"commands":[{"kind":"set_slot","slot":"phone","value":"[PHONE_1]"}],"confidence":0.9}'],
    ]);
    fake = await startFakeOpenAi((request) => {
      const message = (JSON.parse(request.messages.at(-1)!.content) as { message: string }).message;
      const content = answers.get(message);
      return content ? { kind: 'content', content } : { kind: 'status', status: 500 };
    });
    const file = join(mkdtempSync(join(tmpdir(), 'banshi-rec-')), 'answers.json');
    const config = loadLlmConfig({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'k', LLM_RECORD: file });
    const recording = createLlmUnderstanding({ config, offline, logger: logLines().logger });
    const live = [await recording.understand(atOccasion), await recording.understand(atContactName), await recording.understand(greetingWithRequest)];
    await recording.flush();

    expect(live.map((r) => r.source)).toEqual(['llm', 'llm', 'offline']);
    const saved = loadRecordings(file);
    expect(saved.note).toMatch(/^Recorded with LLM_RECORD/);
    // Failed calls are not recorded; ID and phone numbers stay masked in the file.
    expect(Object.keys(saved.recordings)).toEqual([snapshotKey(atOccasion), snapshotKey(atContactName)]);
    expect(Object.keys(saved.recordings)).toEqual(['guide/scenario: 坏了刷不出来', 'contact/name: 我叫王芳，电话[PHONE_1]，身份证[ID_1]']);
    expect(saved.recordings[snapshotKey(atOccasion)]).toMatchObject({ answer: answers.get('坏了刷不出来'), model: 'qwen-plus', provider: 'qwen', input: modelInput(atOccasion) });
    expect(readFileSync(file, 'utf8')).not.toMatch(/1234 5678|19491231/);

    await fake.close();
    fake = undefined;
    const log = logLines();
    const replay = createReplayUnderstanding({ recordings: file, offline, logger: log.logger });
    await expect(replay.understanding.understand(atOccasion)).resolves.toEqual(live[0]);
    await expect(replay.understanding.understand(atContactName)).resolves.toEqual({ commands: [{ kind: 'set_slot', slot: 'phone', value: '138 1234 5678' }], confidence: 0.9, source: 'llm' });
    // No recording: the offline reading, counted as a miss.
    await expect(replay.understanding.understand(vagueRequest)).resolves.toEqual({ ...OFFLINE_READING, reason: 'error: http 404' });
    expect(replay.stats()).toEqual({ hits: 2, misses: ['-/-: 办个证'] });
  });

  it('a second recording run updates entries and keeps the others', async () => {
    fake = await startFakeOpenAi(() => ({ kind: 'content', content: '{"commands":[{"kind":"pick","option":"lost"}],"confidence":0.8}' }));
    const file = join(mkdtempSync(join(tmpdir(), 'banshi-rec-')), 'answers.json');
    const env = { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'k', LLM_RECORD: file };
    const first = createLlmUnderstanding({ config: loadLlmConfig(env), offline, logger: logLines().logger });
    await first.understand({ ...atOccasion, text: '丢了' });
    await first.flush();
    const second = createLlmUnderstanding({ config: loadLlmConfig(env), offline, logger: logLines().logger });
    await second.understand({ ...atOccasion, text: '找不到了' });
    await second.flush();
    expect(Object.keys(loadRecordings(file).recordings)).toEqual(['guide/scenario: 丢了', 'guide/scenario: 找不到了']);
  });
});

describe('the committed fixture (hand-written, not recorded)', () => {
  const fixture = loadRecordings(FIXTURE);

  it('says so, and every entry is keyed by the input it answers', () => {
    expect(fixture.note).toMatch(/^HAND-WRITTEN, NOT RECORDED/);
    for (const [key, recording] of Object.entries(fixture.recordings)) {
      expect(recording.handWritten).toBe(true);
      expect(inputKey(recording.input as Parameters<typeof inputKey>[0])).toBe(key);
    }
  });

  it('covers the test snapshots exactly, with the inputs the prompt renders today', () => {
    expect(Object.keys(fixture.recordings).sort()).toEqual(FIXTURE_CASES.map((c) => snapshotKey(c.snapshot)).sort());
    for (const { snapshot } of FIXTURE_CASES) expect(fixture.recordings[snapshotKey(snapshot)]!.input).toEqual(modelInput(maskSnapshot(snapshot).snapshot));
  });

  it.each(FIXTURE_CASES.map((c) => [snapshotKey(c.snapshot), c] as const))('replays %s', async (_key, { snapshot, outcome }) => {
    const replay = createReplayUnderstanding({ recordings: fixture, offline, logger: logLines().logger });
    const reading = await replay.understanding.understand(snapshot);
    if (outcome === 'llm') expect(reading).toMatchObject({ source: 'llm' });
    else expect(reading).toEqual({ ...OFFLINE_READING, reason: outcome });
    expect(replay.stats()).toEqual({ hits: 1, misses: [] });
  });
});

describe('loadRecordings', () => {
  it('names the file when it is not a recordings file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'banshi-rec-'));
    const bad = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(() => loadRecordings(bad('a.json', '{oops'))).toThrow(/a\.json: not JSON/);
    expect(() => loadRecordings(bad('b.json', '{"recordings":{"k":{"answer":1}}}'))).toThrow(/b\.json: not a recordings file \(recordings\.k\.answer: /);
  });
});
