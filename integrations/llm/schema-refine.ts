import type { z } from 'zod';
import { UnderstoodSchema, type Command, type Target } from '../../bot/understanding/commands';
import type { DialogueSnapshot } from '../../bot/understanding/snapshot';
import { unknownPlaceholders } from './mask';

/**
 * The commands schema refined against one snapshot: a model's reading is only usable when every
 * flow, service, option and slot it names is one the snapshot offered, and every placeholder is
 * one it was given. Anything else fails to parse, so the offline reading answers instead. Issue
 * messages never quote values (they reach the log).
 */
export function understoodSchemaFor(snapshot: DialogueSnapshot, placeholders: ReadonlyMap<string, string>) {
  const flows = new Set(snapshot.flows.map((flow) => flow.id));
  const services = new Set(snapshot.services.map((service) => service.code));
  const question = snapshot.dialogue?.question;
  const options = new Set(question?.options?.map((option) => option.value) ?? []);
  const slots = new Set(snapshot.dialogue?.slots.map((slot) => slot.name) ?? []);

  const targetProblem = (target: Target): string | undefined => {
    if ('flow' in target) return flows.has(target.flow) ? undefined : 'names a flow that is not startable';
    return services.has(target.service) ? undefined : 'names a service the search did not find';
  };

  const problem = (command: Command): { path?: (string | number)[]; message: string } | undefined => {
    switch (command.kind) {
      case 'answer':
        return question ? undefined : { message: 'answers, but no question is waiting' };
      case 'pick':
        if (!options.size) return { message: 'picks, but the question has no options' };
        return options.has(command.option) ? undefined : { path: ['option'], message: 'not an option of the current question' };
      case 'set_slot':
        return slots.has(command.slot) ? undefined : { path: ['slot'], message: 'not a slot of the dialogue in progress' };
      case 'start': {
        const message = targetProblem(command.target);
        return message ? { path: ['target'], message } : undefined;
      }
      case 'clarify': {
        const index = command.targets.findIndex((target) => targetProblem(target) !== undefined);
        if (index >= 0) return { path: ['targets', index], message: targetProblem(command.targets[index]!)! };
        const keys = command.targets.map((target) => ('flow' in target ? `flow:${target.flow}` : `service:${target.service}`));
        return new Set(keys).size === keys.length ? undefined : { path: ['targets'], message: 'names the same target twice' };
      }
      case 'cancel':
        return snapshot.dialogue ? undefined : { message: 'cancels, but no dialogue is in progress' };
      case 'human':
      case 'small_talk':
      case 'cannot_handle':
        return undefined;
    }
  };

  return UnderstoodSchema.superRefine((understood, ctx) => {
    understood.commands.forEach((command, index) => {
      const found = problem(command);
      if (found) ctx.addIssue({ code: 'custom', path: ['commands', index, ...(found.path ?? [])], message: found.message });
      for (const [key, text] of Object.entries(command)) {
        if (typeof text === 'string' && unknownPlaceholders(text, placeholders).length) {
          ctx.addIssue({ code: 'custom', path: ['commands', index, key], message: 'uses a placeholder it was not given' });
        }
      }
    });
  });
}

export type RefinedUnderstoodSchema = ReturnType<typeof understoodSchemaFor>;

/** One line per issue, `path: message`, for the log (zod's own messages name no values either). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
