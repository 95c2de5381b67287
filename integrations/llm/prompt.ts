import { readFileSync } from 'node:fs';
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ConfigError } from '../../bot/config';
import type { DialogueSnapshot } from '../../bot/understanding/snapshot';

const MAX_PROMPT_CHARS = 12_000;

/**
 * Reads the system prompt (a Markdown file administrators may tune) and checks it at start-up:
 * `<!-- comments -->` are removed, JSON mode needs the word "json" somewhere in the messages,
 * and a long prompt costs time on every turn.
 */
export function loadSystemPrompt(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  LLM_PROMPT_FILE: cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const prompt = text.replace(/<!--[\s\S]*?-->/g, '').trim();
  const problem = !prompt
    ? 'is empty'
    : !/json/i.test(prompt)
      ? 'must mention json (JSON mode refuses requests without the word)'
      : prompt.length > MAX_PROMPT_CHARS
        ? `is ${prompt.length} characters; keep it under ${MAX_PROMPT_CHARS}`
        : undefined;
  if (problem) throw new ConfigError(`invalid configuration:\n  LLM_PROMPT_FILE: ${JSON.stringify(file)} ${problem}`);
  return prompt;
}

/** The snapshot as the model reads it: one compact JSON object (the prompt explains the fields). */
export interface ModelInput {
  message: string;
  dialogue: {
    flow: string;
    title: string;
    question: { step: string; kind: 'ask' | 'confirm'; slot?: string; type?: string; prompt: string; options?: { value: string; label: string }[] } | null;
    slots: { name: string; type: string; filled: boolean; prompt: string }[];
  } | null;
  flows: { id: string; title: string; description?: string }[];
  services: { code: string; name: string; score: number }[];
}

export function modelInput(snapshot: DialogueSnapshot): ModelInput {
  const dialogue = snapshot.dialogue;
  const question = dialogue?.question;
  return {
    message: snapshot.text,
    dialogue: dialogue
      ? {
          flow: dialogue.flow.id,
          title: dialogue.flow.title,
          question: question
            ? {
                step: question.stepId,
                kind: question.kind,
                ...(question.slot ? { slot: question.slot } : {}),
                ...(question.type ? { type: question.type } : {}),
                prompt: question.prompt,
                ...(question.options ? { options: question.options.map(({ value, label }) => ({ value, label })) } : {}),
              }
            : null,
          slots: dialogue.slots.map(({ name, type, filled, prompt }) => ({ name, type, filled, prompt })),
        }
      : null,
    flows: snapshot.flows.map(({ id, title, description }) => ({ id, title, ...(description ? { description } : {}) })),
    services: snapshot.services.map(({ code, name, score }) => ({ code, name, score: Math.round(score * 100) / 100 })),
  };
}

/** The messages of one request: the system prompt, then the (masked) snapshot. */
export function promptMessages(systemPrompt: string, maskedSnapshot: DialogueSnapshot): BaseMessage[] {
  return [new SystemMessage(systemPrompt), new HumanMessage(JSON.stringify(modelInput(maskedSnapshot)))];
}
