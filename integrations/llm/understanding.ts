import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { OutputParserException } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import type { Logger } from '../../bot/logger';
import { UnderstoodSchema } from '../../bot/understanding/commands';
import type { DialogueSnapshot, Reading, Understanding } from '../../bot/understanding/snapshot';
import type { LlmConfig, LlmSettings } from './config';
import { maskSnapshot } from './mask';
import { createChatModel } from './model';
import { loadSystemPrompt, promptMessages } from './prompt';
import { createRecorder } from './recordings';
import { describeIssues, understoodSchemaFor } from './schema-refine';

export interface LlmUnderstandingOptions {
  config: LlmConfig;
  /** Answers whenever the model is late, wrong or unsure (and when the LLM is not configured). */
  offline: Understanding;
  logger: Logger;
  /** The chat model; by default ChatOpenAI for `config` (tests pass langchain's fake models). */
  model?: BaseChatModel;
}

/** The LLM understanding; `flush` resolves once recorded answers (LLM_RECORD) are on disk. */
export interface LlmUnderstanding extends Understanding {
  flush(): Promise<void>;
}

/** Why the offline reading answered instead of the model. */
export type FallbackReason = 'timeout' | 'aborted' | 'invalid' | 'low-confidence' | `error: ${string}`;

class InvalidAnswer extends Error {
  override name = 'InvalidAnswer';
}
class UnsureAnswer extends Error {
  override name = 'UnsureAnswer';
}

/**
 * The LLM understanding: the snapshot, with ID and phone numbers replaced by placeholders, goes
 * to the model in JSON mode; its commands are checked against the snapshot (schema-refine.ts)
 * and get the numbers back. Late (the deadline or the caller's signal), invalid, unsure or failed
 * answers fall back to `offline` through langchain's `withFallbacks`, with the reason on the
 * reading. Never throws because of the model; one log line per call, without the message.
 * When the LLM is not configured, every call goes straight to `offline`.
 */
export function createLlmUnderstanding(options: LlmUnderstandingOptions): LlmUnderstanding {
  const { config, offline, logger } = options;
  if (!config.enabled) return { understand: (snapshot, callOptions) => offline.understand(snapshot, callOptions), flush: async () => undefined };
  const settings: LlmSettings = config;
  const systemPrompt = loadSystemPrompt(settings.promptFile);
  const recorder = settings.recordFile && !options.model ? createRecorder(settings.recordFile, settings, logger) : undefined;
  const model: BaseChatModel = options.model ?? createChatModel(settings, recorder ? { fetch: recorder.fetch } : {});
  // JSON mode for every provider (profiles.ts); the parser's own check is repeated below because
  // langchain's fake models skip it.
  const structured = model.withStructuredOutput(UnderstoodSchema, { name: 'commands', method: 'jsonMode' });

  async function askModel(snapshot: DialogueSnapshot, runConfig: object): Promise<Reading> {
    const masking = maskSnapshot(snapshot);
    const answer: unknown = await structured.invoke(promptMessages(systemPrompt, masking.snapshot), runConfig);
    const checked = understoodSchemaFor(masking.snapshot, masking.placeholders).safeParse(answer);
    if (!checked.success) throw new InvalidAnswer(describeIssues(checked.error));
    if (checked.data.confidence < settings.minConfidence) throw new UnsureAnswer(`confidence ${checked.data.confidence}`);
    return { ...masking.restore(checked.data), source: 'llm' };
  }

  return {
    flush: async () => recorder?.flush(),
    async understand(snapshot, { signal } = {}) {
      const started = performance.now();
      const deadline = AbortSignal.timeout(settings.timeoutMs);
      const attemptSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      let modelError: unknown;
      let offlineError: unknown;

      const viaModel = RunnableLambda.from(async (input: DialogueSnapshot, runConfig) => {
        try {
          attemptSignal.throwIfAborted(); // a turn already given up sends nothing
          return await askModel(input, runConfig);
        } catch (error) {
          modelError = error;
          throw error;
        }
      }).withConfig({ runName: 'llm-understanding', signal: attemptSignal });
      // The fallback runs under the caller's signal only: the model's deadline is not its own.
      const viaOffline = RunnableLambda.from(async (input: DialogueSnapshot) => {
        try {
          return await offline.understand(input, signal ? { signal } : {});
        } catch (error) {
          offlineError = error;
          throw error;
        }
      }).withConfig({ runName: 'offline-understanding' });

      let reading: Reading;
      try {
        reading = await viaModel.withFallbacks([viaOffline]).invoke(snapshot);
      } catch (error) {
        // Only the offline reader's own failure (e.g. the caller gave up) reaches the caller.
        throw offlineError ?? error;
      }
      const ms = Math.round(performance.now() - started);
      const fields = { model: settings.model, provider: settings.provider, ms, commands: reading.commands.map((command) => command.kind) };
      // By source, not by modelError: a signal that aborts first rejects before askModel runs.
      if (reading.source === 'llm') {
        logger.info({ ...fields, path: 'llm', confidence: reading.confidence }, 'understanding: llm');
        return reading;
      }
      const { reason, detail } = classify(modelError, deadline, signal);
      const level = reason === 'low-confidence' || reason === 'aborted' ? 'info' : 'warn';
      logger[level]({ ...fields, path: 'offline', reason, ...(detail ? { detail } : {}) }, `understanding: offline (${reason})`);
      return { ...reading, source: 'offline', reason };
    },
  };
}

/** The fallback reason of a model failure, and a detail for the log that quotes no message text. */
function classify(error: unknown, deadline: AbortSignal, callerSignal: AbortSignal | undefined): { reason: FallbackReason; detail?: string } {
  if (error instanceof UnsureAnswer) return { reason: 'low-confidence', detail: error.message };
  if (error instanceof InvalidAnswer) return { reason: 'invalid', detail: error.message };
  // langchain's parser: not JSON, or JSON that is not commands (its message quotes the text: not logged).
  if (error instanceof OutputParserException) return { reason: 'invalid', detail: 'not json commands' };
  if (error instanceof SyntaxError) return { reason: 'invalid', detail: 'not json' };
  if (callerSignal?.aborted) return { reason: 'aborted' };
  if (deadline.aborted) return { reason: 'timeout' };
  const e = (error ?? {}) as { status?: unknown; name?: unknown };
  if (typeof e.status === 'number') return { reason: `error: http ${e.status}` };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { reason: 'timeout' };
  // The OpenAI client's errors keep the name "Error"; their class says what happened.
  const kind = e.constructor?.name && e.constructor.name !== 'Error' ? e.constructor.name : typeof e.name === 'string' ? e.name : 'unknown';
  return { reason: kind === 'APIConnectionError' ? 'error: connection' : `error: ${kind}` };
}
