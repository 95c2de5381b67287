export { DEFAULT_PROMPT_FILE, LlmEnvSchema, loadLlmConfig, type LlmConfig, type LlmSettings } from './config';
export { inferProvider, PROVIDERS, profileFor, type Provider, type ProviderProfile } from './profiles';
export { maskSnapshot, type Masking } from './mask';
export { understoodSchemaFor } from './schema-refine';
export { loadSystemPrompt, modelInput, promptMessages, type ModelInput } from './prompt';
export { createChatModel } from './model';
export { createLlmUnderstanding, type FallbackReason, type LlmUnderstanding, type LlmUnderstandingOptions } from './understanding';
export { createRecorder, loadRecordings, snapshotKey, RecordingsFileSchema, type Recorder, type Recording, type RecordingsFile } from './recordings';
export { createReplayFetch, createReplayUnderstanding, type Replay, type ReplayStats, type ReplayUnderstandingOptions } from './replay';
