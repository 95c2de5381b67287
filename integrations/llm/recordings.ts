import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../../bot/logger';
import type { DialogueSnapshot } from '../../bot/understanding/snapshot';
import type { LlmSettings } from './config';
import { maskSnapshot } from './mask';
import { PROVIDERS } from './profiles';
import { modelInput, type ModelInput } from './prompt';

/**
 * Recorded model answers, so the LLM path (prompt, parsing, refinement, fallback) runs in CI
 * without a model: LLM_RECORD saves each answer under its snapshot key, replay.ts answers from
 * the file. The key is the dialogue, the step and the (masked) message: answers stay valid while
 * the prompt is tuned, and an answer that no longer fits the catalogue is refused as usual.
 * Files hold residents' messages (ID and phone numbers masked): treat them as personal data.
 */
export const RecordingSchema = z.object({
  /** The model's message content, exactly as it came. */
  answer: z.string(),
  model: z.string().min(1),
  provider: z.enum(PROVIDERS),
  /** When it was recorded; absent for hand-written entries. */
  recordedAt: z.string().optional(),
  /** Written by a person as a model would answer, not recorded from one. */
  handWritten: z.boolean().optional(),
  /** Why the entry is there (hand-written entries). */
  note: z.string().optional(),
  /** The masked input the answer was given for (what the model read). */
  input: z.unknown().optional(),
});
export type Recording = z.infer<typeof RecordingSchema>;

export const RecordingsFileSchema = z.object({
  note: z.string().optional(),
  recordings: z.record(z.string(), RecordingSchema),
});
export type RecordingsFile = z.infer<typeof RecordingsFileSchema>;

/** `flow/step: message` of a model input, "-" where there is no dialogue or question. */
export function inputKey(input: Pick<ModelInput, 'message'> & { dialogue: { flow: string; question: { step: string } | null } | null }): string {
  return `${input.dialogue?.flow ?? '-'}/${input.dialogue?.question?.step ?? '-'}: ${input.message}`;
}

/** The recording key of a snapshot (masked first, as the model would read it). */
export function snapshotKey(snapshot: DialogueSnapshot): string {
  return inputKey(modelInput(maskSnapshot(snapshot).snapshot));
}

const KeyedInputSchema = z.object({
  message: z.string(),
  dialogue: z.object({ flow: z.string(), question: z.object({ step: z.string() }).nullable() }).nullable(),
});
const ChatRequestSchema = z.object({ messages: z.array(z.object({ role: z.string(), content: z.unknown() })) });

/** The snapshot key and model input of a chat-completions request body built by prompt.ts. */
export function requestInput(body: unknown): { key: string; input: unknown } | undefined {
  try {
    const request = ChatRequestSchema.parse(typeof body === 'string' ? JSON.parse(body) : body);
    const last = request.messages.filter((message) => message.role === 'user').pop();
    if (typeof last?.content !== 'string') return undefined;
    const input: unknown = JSON.parse(last.content);
    return { key: inputKey(KeyedInputSchema.parse(input)), input };
  } catch {
    return undefined;
  }
}

export function loadRecordings(file: string): RecordingsFile {
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = RecordingsFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: not a recordings file (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

export interface Recorder {
  /** A fetch that passes requests through and records each answered one. */
  fetch: typeof fetch;
  /** Resolves when everything recorded so far is on disk. */
  flush(): Promise<void>;
}

const CompletionSchema = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

const RECORDED_NOTE = 'Recorded with LLM_RECORD: entries with recordedAt are the model\'s own answers; entries marked handWritten were written by hand.';

/** Records answers into `file` (kept entries are updated, never dropped); writes are atomic. */
export function createRecorder(file: string, settings: Pick<LlmSettings, 'model' | 'provider'>, logger: Logger, inner: typeof fetch = globalThis.fetch): Recorder {
  const recordings: Record<string, Recording> = {};
  try {
    Object.assign(recordings, loadRecordings(file).recordings);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let writing = Promise.resolve();

  const save = () => {
    const text = `${JSON.stringify({ note: RECORDED_NOTE, recordings }, null, 2)}\n`;
    writing = writing
      .then(async () => {
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      })
      .catch((err: unknown) => logger.warn({ err, file }, 'llm recording: could not write the file'));
  };

  return {
    fetch: async (url, init) => {
      const response = await inner(url, init);
      const request = requestInput(init?.body);
      if (response.ok && request) {
        const body = CompletionSchema.safeParse(await response.clone().json().catch(() => undefined));
        const answer = body.success ? body.data.choices[0]!.message.content : null;
        if (answer !== null) {
          recordings[request.key] = { answer, model: settings.model, provider: settings.provider, recordedAt: new Date().toISOString(), input: request.input };
          save();
        }
      }
      return response;
    },
    flush: () => writing,
  };
}
