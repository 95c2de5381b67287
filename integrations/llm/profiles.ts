/**
 * What each provider's OpenAI-compatible endpoint needs beyond the standard request. Every profile
 * uses JSON mode (`response_format: {type: "json_object"}`): DeepSeek rejects `json_schema`, GLM
 * accepts only `json_object`, Qwen has `json_schema` on a few models only, and forced
 * `tool_choice` is refused by GLM and by DeepSeek in thinking mode (see anchors.md §4). Thinking is
 * switched off: it costs seconds we do not have, and Qwen allows JSON mode only without it.
 */

export const PROVIDERS = ['qwen', 'deepseek', 'glm', 'openai'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ProviderProfile {
  provider: Provider;
  /** Extra top-level request body keys (langchain `modelKwargs`). */
  extraBody: Record<string, unknown>;
  /** The vendor's own OpenAI-compatible base URL, suggested when LLM_BASE_URL is missing. */
  exampleBaseUrl: string;
}

const PROFILES: Record<Provider, ProviderProfile> = {
  // DashScope compatible mode (百炼): `enable_thinking` is a body key there; a self-hosted vLLM wants
  // `chat_template_kwargs: {enable_thinking: false}` instead (LLM_EXTRA_BODY).
  qwen: { provider: 'qwen', extraBody: { enable_thinking: false }, exampleBaseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  // DeepSeek V4 thinks by default; `thinking: {type: "disabled"}` is its OpenAI-format switch.
  deepseek: { provider: 'deepseek', extraBody: { thinking: { type: 'disabled' } }, exampleBaseUrl: 'https://api.deepseek.com' },
  // GLM-4.5 and later think by default ("thinking.type: enabled | disabled", docs.bigmodel.cn).
  glm: { provider: 'glm', extraBody: { thinking: { type: 'disabled' } }, exampleBaseUrl: 'https://open.bigmodel.cn/api/paas/v4' },
  openai: { provider: 'openai', extraBody: {}, exampleBaseUrl: 'https://api.openai.com/v1' },
};

export function profileFor(provider: Provider): ProviderProfile {
  return PROFILES[provider];
}

/** The provider a model name belongs to ("qwen-plus", "Qwen3-32B", "deepseek-chat", "glm-4.5-air", "gpt-4.1-mini"), if it says. */
export function inferProvider(model: string): Provider | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  if (/^(qwen|qwq)/.test(name)) return 'qwen';
  if (name.startsWith('deepseek')) return 'deepseek';
  if (/^(glm|chatglm)/.test(name)) return 'glm';
  if (/^(gpt-|o\d)/.test(name)) return 'openai';
  return undefined;
}
