import { z } from 'zod';

/**
 * Actions: named functions registered in code that flows call (`kind: action`). Each declares
 * zod input and output schemas, so a flow naming an unknown action or passing the wrong fields
 * is refused when it is loaded, and the runtime validates both sides of every call.
 */
export interface ActionDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType, C = unknown> {
  name: string;
  description: string;
  input: I;
  output: O;
  /** `key` is stable across platform retries of the same message: use it for idempotency. */
  run(input: z.infer<I>, context: C & { key: string }): Promise<z.infer<O>>;
}

export function defineAction<I extends z.ZodObject, O extends z.ZodType, C>(definition: ActionDefinition<I, O, C>): ActionDefinition<I, O, C> {
  return definition;
}

/** What the loader needs to know of an action to check a flow against it. */
export interface ActionSignature {
  fields: string[];
  required: string[];
}

export function signatureOf(definition: ActionDefinition<z.ZodObject, z.ZodType, never>): ActionSignature {
  const shape = definition.input.shape as Record<string, z.ZodType>;
  const fields = Object.keys(shape);
  const required = fields.filter((k) => !shape[k]?.safeParse(undefined).success);
  return { fields, required };
}

/**
 * Input fields as flows pass them: a template of a slot not filled renders empty, so an optional
 * text is absent when empty, and a flag is true only when the slot holds true.
 */
export const optionalText = z.string().nullish().transform((v) => v || undefined);
export const flag = z.union([z.boolean(), z.literal(''), z.null(), z.undefined()]).transform((v) => v === true);
