import type { Logger } from '../../bot/logger';
import type { Understanding } from '../../bot/understanding/snapshot';
import { DEFAULT_PROMPT_FILE, type LlmSettings } from './config';
import { createChatModel } from './model';
import { profileFor } from './profiles';
import { loadRecordings, requestInput, type RecordingsFile } from './recordings';
import { createLlmUnderstanding, type LlmUnderstanding } from './understanding';

export interface ReplayStats {
  /** Requests answered from a recording. */
  hits: number;
  /** Keys of requests with no recording (answered 404, so the offline reading was used). */
  misses: string[];
}

export interface Replay {
  /** Answers chat-completions requests from the recordings, like the endpoint did. */
  fetch: typeof fetch;
  stats(): ReplayStats;
}

/** A transport for ChatOpenAI that answers from recordings; no socket is opened. */
export function createReplayFetch(recordings: RecordingsFile): Replay {
  const stats: ReplayStats = { hits: 0, misses: [] };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return {
    fetch: async (_url, init) => {
      init?.signal?.throwIfAborted();
      const request = requestInput(init?.body);
      const recording = request ? recordings.recordings[request.key] : undefined;
      if (!request || !recording) {
        stats.misses.push(request?.key ?? '(not a banshi request)');
        return json(404, { error: { message: 'no recording for this snapshot', type: 'invalid_request_error', code: 'recording_not_found' } });
      }
      stats.hits += 1;
      return json(200, {
        id: `chatcmpl-replay-${stats.hits}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: recording.model,
        choices: [{ index: 0, message: { role: 'assistant', content: recording.answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      });
    },
    stats: () => ({ hits: stats.hits, misses: [...stats.misses] }),
  };
}

export interface ReplayUnderstandingOptions {
  /** A recordings file (path) or its parsed content. */
  recordings: string | RecordingsFile;
  offline: Understanding;
  logger: Logger;
  /** Overrides of the settings the replay runs with (threshold, prompt file, deadline). */
  settings?: Partial<Pick<LlmSettings, 'minConfidence' | 'promptFile' | 'timeoutMs'>>;
}

/**
 * The LLM understanding answered from recordings: the same ChatOpenAI request, parser,
 * refinement and fallback as in production, with the transport replaced. For the dialogue
 * evaluation when no model is configured.
 */
export function createReplayUnderstanding(options: ReplayUnderstandingOptions): { understanding: LlmUnderstanding; stats: () => ReplayStats } {
  const recordings = typeof options.recordings === 'string' ? loadRecordings(options.recordings) : options.recordings;
  const first = Object.values(recordings.recordings)[0];
  const provider = first?.provider ?? 'qwen';
  const settings: LlmSettings = {
    baseUrl: 'http://replay.invalid/v1',
    model: first?.model ?? 'replay',
    apiKey: 'replay',
    provider,
    extraBody: profileFor(provider).extraBody,
    timeoutMs: 2500,
    minConfidence: 0.6,
    promptFile: DEFAULT_PROMPT_FILE,
    ...options.settings,
  };
  const replay = createReplayFetch(recordings);
  const understanding = createLlmUnderstanding({
    config: { enabled: true, ...settings },
    offline: options.offline,
    logger: options.logger,
    model: createChatModel(settings, { fetch: replay.fetch }),
  });
  return { understanding, stats: replay.stats };
}
