import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Emergency rules (flows/emergency.yaml): data, so a city can add its own words. A rule fires when
 * the normalised message contains one of its keywords and none of its `unless` words.
 */
export const EmergencyRulesSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z0-9-]*$/),
        keywords: z.array(z.string().min(2)).min(1),
        unless: z.array(z.string().min(1)).default([]),
        reply: z.string().min(1),
        /** While human agents are at work, also put the chat first in their queue (someone stays with the resident). */
        handoff: z.boolean().default(false),
      }),
    )
    .min(1),
});
export type EmergencyRules = z.infer<typeof EmergencyRulesSchema>;
export type EmergencyRule = EmergencyRules['rules'][number];

export const DEFAULT_EMERGENCY_FILE = fileURLToPath(new URL('./emergency.yaml', import.meta.url));

export function loadEmergencyRules(file: string = DEFAULT_EMERGENCY_FILE): EmergencyRules {
  const result = EmergencyRulesSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid emergency rules'}`);
  }
  return result.data;
}

/** The first rule the message triggers, if any. */
export function matchEmergency(rules: EmergencyRules, text: string): EmergencyRule | undefined {
  return rules.rules.find((rule) => rule.keywords.some((k) => text.includes(k)) && !rule.unless.some((u) => text.includes(u)));
}
