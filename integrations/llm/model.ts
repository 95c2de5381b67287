import { ChatOpenAI } from '@langchain/openai';
import type { LlmSettings } from './config';

/** The largest answer we read: a handful of commands is a few hundred tokens at most. */
const MAX_ANSWER_TOKENS = 400;

/**
 * The chat model for an OpenAI-compatible endpoint. `maxRetries: 0`: the caller's single
 * deadline is the only timer (langchain's default of 6 retries once took 5 s on a 503), and a
 * late or failed answer falls back to the offline reading rather than asking again.
 * `fetch` replaces the transport (recording, replay).
 */
export function createChatModel(settings: LlmSettings, options: { fetch?: typeof fetch } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: settings.model,
    apiKey: settings.apiKey,
    configuration: { baseURL: settings.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) },
    temperature: 0,
    maxTokens: MAX_ANSWER_TOKENS,
    maxRetries: 0,
    modelKwargs: settings.extraBody,
  });
}
