import { z } from 'zod';

/**
 * What understanding a resident's message produces: commands, not replies (Rasa CALM's idea).
 * The offline interpreter and the LLM (integrations/llm) emit the same commands; the runtime
 * checks them against the current dialogue and the catalogue (`checkCommands`) before the engine
 * applies them, so nothing the model invents reaches a resident: every text a resident reads comes
 * from flows and catalogue data.
 */

/** Something a resident can be taken to: a dialogue (flow id) or a catalogue service (code). */
export const TargetSchema = z.union([
  z.strictObject({ flow: z.string().min(1).max(60) }),
  z.strictObject({ service: z.string().min(1).max(60) }),
]);
export type Target = z.infer<typeof TargetSchema>;

export const SMALL_TALK_TOPICS = ['greeting', 'thanks', 'bye', 'about', 'capabilities', 'hours', 'where'] as const;
export type SmallTalkTopic = (typeof SMALL_TALK_TOPICS)[number];

export const CommandSchema = z.discriminatedUnion('kind', [
  /**
   * The message answers the current question; the question's slot parser reads it. `text`: the
   * part that answers, when the rest asks for something else ("不是，我想问公积金" → "不是").
   */
  z.strictObject({ kind: z.literal('answer'), text: z.string().min(1).max(2000).optional() }),
  /**
   * The message gives a value for a slot of the current dialogue (the question's own or another
   * one it has not reached yet). `value` is text the slot's parser reads ("上周五", "13912345678").
   */
  z.strictObject({ kind: z.literal('set_slot'), slot: z.string().min(1).max(60), value: z.string().min(1).max(2000) }),
  /** At a choice question: the option meant, by its value. */
  z.strictObject({ kind: z.literal('pick'), option: z.string().min(1).max(200) }),
  /** Begin something else; a dialogue in progress stays resumable. `query`: what the resident asked (the guide searches it). */
  z.strictObject({ kind: z.literal('start'), target: TargetSchema, query: z.string().max(500).optional() }),
  /** Unsure which of these the resident means: ask one short question with them as options. */
  z.strictObject({ kind: z.literal('clarify'), targets: z.array(TargetSchema).min(2).max(4) }),
  /** Stop the current dialogue. */
  z.strictObject({ kind: z.literal('cancel') }),
  /** The resident wants a person (asked, or frustrated with the bot). */
  z.strictObject({ kind: z.literal('human'), reason: z.string().max(200).optional() }),
  /** A greeting, thanks, a question about the assistant or about halls' hours and places. */
  z.strictObject({ kind: z.literal('small_talk'), topic: z.enum(SMALL_TALK_TOPICS) }),
  /** Nothing above fits. */
  z.strictObject({ kind: z.literal('cannot_handle') }),
]);
export type Command = z.infer<typeof CommandSchema>;

/** One reading of a message: its commands, in the order they apply, and how sure the reader is. */
export const UnderstoodSchema = z.strictObject({
  commands: z.array(CommandSchema).min(1).max(6),
  /** 0..1: below the runtime's threshold an LLM reading is discarded for the offline one. */
  confidence: z.number().min(0).max(1),
});
export type Understood = z.infer<typeof UnderstoodSchema>;
