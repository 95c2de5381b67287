import type { ActionSignature } from './actions';
import { conditionSlots } from './conditions';
import { OPTION_TYPES, type Flow, type Step } from './schema';
import { TemplateError, parseTemplate, templateRoots } from './template';

/** What a flow may refer to outside itself. */
export interface ValidationContext {
  actions: ReadonlyMap<string, ActionSignature>;
  flowIds: ReadonlySet<string>;
  /** Template variables the runtime always provides (city, today …). */
  vars: readonly string[];
}

/**
 * Checks what the schema cannot: step references, actions and their fields, called flows,
 * templates and the slots they read. Returns problems as `step "x": message` strings.
 */
export function validateFlow(flow: Flow, ctx: ValidationContext): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const step of flow.steps) {
    if (ids.has(step.id)) problems.push(`step "${step.id}": duplicate step id`);
    ids.add(step.id);
  }
  const known = new Set([...flow.params, ...ctx.vars, ...flow.steps.flatMap(slotsWritten)]);
  // Template variables are read before slots: a slot with a variable's name could never be read.
  for (const step of flow.steps) for (const slot of slotsWritten(step)) if (ctx.vars.includes(slot)) problems.push(`step "${step.id}": slot "${slot}" has the name of a template variable (${ctx.vars.join(', ')})`);
  const ref = (step: Step, field: string, target: string | undefined) => {
    if (target !== undefined && !ids.has(target)) problems.push(`step "${step.id}": ${field} names unknown step "${target}"`);
  };
  if (flow.start && !ids.has(flow.start)) problems.push(`start names unknown step "${flow.start}"`);
  const templates = (step: Step, field: string, sources: (string | undefined)[]) => {
    for (const source of sources) {
      if (source === undefined) continue;
      try {
        parseTemplate(source);
        for (const root of templateRoots(source)) if (!known.has(root)) problems.push(`step "${step.id}": ${field} reads unknown slot "${root}"`);
      } catch (error) {
        if (error instanceof TemplateError) problems.push(`step "${step.id}": ${field}: ${error.message}`);
        else throw error;
      }
    }
  };
  for (const step of flow.steps) {
    if ('next' in step) ref(step, 'next', step.next);
    switch (step.kind) {
      case 'say':
        templates(step, 'text', [step.text ?? []].flat());
        if (step.textFrom && !known.has(step.textFrom.split('.')[0] ?? '')) problems.push(`step "${step.id}": textFrom reads unknown slot "${step.textFrom}"`);
        break;
      case 'ask':
        templates(step, 'prompt', [step.prompt, ...(step.reprompts ?? [])]);
        ref(step, 'onMaxAttempts', step.onMaxAttempts);
        if (step.type === 'choice' && !step.options && !step.optionsFrom) problems.push(`step "${step.id}": a choice needs options or optionsFrom`);
        if (!OPTION_TYPES.includes(step.type) && (step.options || step.optionsFrom)) problems.push(`step "${step.id}": options are only for types ${OPTION_TYPES.join(', ')}`);
        for (const option of step.type === 'date' ? (step.options ?? []) : []) if (!/^\d{4}-\d{2}-\d{2}$/.test(option.value ?? '')) problems.push(`step "${step.id}": a date option's value must be YYYY-MM-DD (option "${option.label}")`);
        for (const option of step.type === 'time' ? (step.options ?? []) : []) if (!/^\d{2}:\d{2}$/.test(option.value ?? '')) problems.push(`step "${step.id}": a time option's value must be HH:MM (option "${option.label}")`);
        if (step.optionsFrom && !known.has(step.optionsFrom.split('.')[0] ?? '')) problems.push(`step "${step.id}": optionsFrom reads unknown slot "${step.optionsFrom}"`);
        break;
      case 'confirm':
        templates(step, 'summary', [step.summary]);
        ref(step, 'onNo', step.onNo);
        ref(step, 'refresh', step.refresh);
        for (const edit of step.edit ?? []) {
          ref(step, 'edit', edit.step);
          const target = flow.steps.find((s) => s.id === edit.step);
          if (target && target.kind !== 'ask' && target.kind !== 'flow') problems.push(`step "${step.id}": edit "${edit.label}" must name an ask or flow step, not ${target.kind} "${edit.step}"`);
        }
        break;
      case 'branch':
        for (const c of step.cases) {
          ref(step, 'cases.next', c.next);
          for (const slot of conditionSlots(c.when)) if (!known.has(slot)) problems.push(`step "${step.id}": condition reads unknown slot "${slot}"`);
        }
        ref(step, 'otherwise', step.otherwise);
        break;
      case 'action': {
        ref(step, 'onError', step.onError);
        const signature = ctx.actions.get(step.action);
        if (!signature) {
          problems.push(`step "${step.id}": unknown action "${step.action}" (known: ${[...ctx.actions.keys()].sort().join(', ') || 'none'})`);
          break;
        }
        const given = Object.keys(step.input);
        for (const field of given) if (!signature.fields.includes(field)) problems.push(`step "${step.id}": action "${step.action}" has no input field "${field}" (fields: ${signature.fields.join(', ')})`);
        for (const field of signature.required) if (!given.includes(field)) problems.push(`step "${step.id}": action "${step.action}" needs input field "${field}"`);
        templates(step, 'input', Object.values(step.input).filter((v): v is string => typeof v === 'string'));
        break;
      }
      case 'flow':
        if (!ctx.flowIds.has(step.flow)) problems.push(`step "${step.id}": unknown flow "${step.flow}"`);
        templates(step, 'with', Object.values(step.with ?? {}).filter((v): v is string => typeof v === 'string'));
        break;
      case 'handoff':
        templates(step, 'text', [step.text]);
        break;
      case 'end':
        templates(step, 'text', [step.text ?? []].flat());
        break;
    }
  }
  return problems;
}

function slotsWritten(step: Step): string[] {
  if (step.kind === 'ask') return step.saveText ? [step.slot, step.saveText] : [step.slot];
  if ((step.kind === 'action' || step.kind === 'flow') && step.saveAs) return [step.saveAs];
  return [];
}
