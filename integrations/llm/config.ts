import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../bot/config';
import { inferProvider, PROVIDERS, profileFor, type Provider } from './profiles';

/** The system prompt shipped with the service; LLM_PROMPT_FILE points elsewhere to tune it. */
export const DEFAULT_PROMPT_FILE = fileURLToPath(new URL('./prompt.md', import.meta.url));

// Keys the adapter sets itself; LLM_EXTRA_BODY must not change what the request is.
const RESERVED_BODY_KEYS = ['model', 'messages', 'response_format', 'tools', 'tool_choice', 'functions', 'function_call', 'stream', 'n'];

const ExtraBodySchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a JSON object, e.g. {"chat_template_kwargs":{"enable_thinking":false}}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string(), z.unknown(), { error: 'a JSON object, e.g. {"chat_template_kwargs":{"enable_thinking":false}}' }).refine((body) => !RESERVED_BODY_KEYS.some((key) => key in body), {
      error: `must not set ${RESERVED_BODY_KEYS.join(', ')} (the adapter sets them)`,
    }),
  );

/**
 * LLM understanding settings. Off unless LLM_BASE_URL or LLM_MODEL is set; then both and
 * LLM_API_KEY are required, and the provider comes from LLM_PROVIDER or the model's name.
 */
export const LlmEnvSchema = z
  .object({
    /** Any OpenAI-compatible endpoint, up to the version path ("…/compatible-mode/v1", "…/api/paas/v4"). */
    LLM_BASE_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
    LLM_MODEL: z.string().min(1).max(200).optional(),
    // No format check: a config error prints the value it got, and this one is a secret.
    LLM_API_KEY: z.string().min(1).optional(),
    LLM_PROVIDER: z.enum(PROVIDERS, { error: `one of ${PROVIDERS.join(', ')}` }).optional(),
    /** The model's whole budget in a turn; WeChat gives the turn 5 s in all. */
    LLM_TIMEOUT_MS: wholeNumber(100, 4500).default(2500),
    /** Readings less sure than this are dropped for the offline one. */
    LLM_MIN_CONFIDENCE: z.coerce.number({ error: 'a number from 0 to 1' }).min(0, { error: 'a number from 0 to 1' }).max(1, { error: 'a number from 0 to 1' }).default(0.6),
    /** JSON merged over the provider profile's extra body keys (e.g. vLLM's chat_template_kwargs); null removes one. */
    LLM_EXTRA_BODY: ExtraBodySchema.optional(),
    LLM_PROMPT_FILE: z.string().min(1).optional(),
    /** Record every model answer to this JSON file (for the dialogue evaluation's replay). */
    LLM_RECORD: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.LLM_BASE_URL && !env.LLM_MODEL) return;
    const required = (name: 'LLM_BASE_URL' | 'LLM_MODEL' | 'LLM_API_KEY', hint: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `required when the LLM is configured (${hint})` });
    };
    const provider = env.LLM_PROVIDER ?? (env.LLM_MODEL ? inferProvider(env.LLM_MODEL) : undefined);
    required('LLM_BASE_URL', `e.g. ${profileFor(provider ?? 'qwen').exampleBaseUrl}`);
    required('LLM_MODEL', 'e.g. qwen-plus, deepseek-chat, glm-4.5-air');
    required('LLM_API_KEY', 'any non-empty value for a deployment without keys');
    if (env.LLM_MODEL && !provider) {
      ctx.addIssue({ code: 'custom', path: ['LLM_PROVIDER'], message: `required: the provider cannot be told from LLM_MODEL ${JSON.stringify(env.LLM_MODEL)} (one of ${PROVIDERS.join(', ')})` });
    }
  });

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey: string;
  provider: Provider;
  /** The profile's extra body keys with LLM_EXTRA_BODY merged over them (null removes a key). */
  extraBody: Record<string, unknown>;
  timeoutMs: number;
  minConfidence: number;
  promptFile: string;
  recordFile?: string;
}

export type LlmConfig = ({ enabled: true } & LlmSettings) | { enabled: false };

export function loadLlmConfig(env: Record<string, string | undefined> = process.env): LlmConfig {
  const e = parseEnv(LlmEnvSchema, env);
  if (!e.LLM_BASE_URL || !e.LLM_MODEL || !e.LLM_API_KEY) return { enabled: false };
  const provider = e.LLM_PROVIDER ?? inferProvider(e.LLM_MODEL) ?? 'openai';
  return {
    enabled: true,
    baseUrl: e.LLM_BASE_URL,
    model: e.LLM_MODEL,
    apiKey: e.LLM_API_KEY,
    provider,
    extraBody: mergeBody(profileFor(provider).extraBody, e.LLM_EXTRA_BODY ?? {}),
    timeoutMs: e.LLM_TIMEOUT_MS,
    minConfidence: e.LLM_MIN_CONFIDENCE,
    promptFile: e.LLM_PROMPT_FILE ?? DEFAULT_PROMPT_FILE,
    ...(e.LLM_RECORD ? { recordFile: e.LLM_RECORD } : {}),
  };
}

function mergeBody(profile: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...profile, ...extra }).filter(([, value]) => value !== null));
}
