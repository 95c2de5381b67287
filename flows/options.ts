import type { AskStep } from './schema';
import type { ChoiceOption } from './slots/choice';
import { lookup } from './template';
import type { Json } from './types';

/**
 * A question's options: its own, or those taken at run time from a slot (`optionsFrom`), which
 * may carry words that pick them (`synonyms`), where they stand (`latitude`/`longitude`: a shared
 * location picks the nearest), a time option's `end`, a reason it cannot be picked
 * (`unavailable`: listed only to say why) and `hidden: true` (understood but not shown).
 */
export function optionsOf(step: AskStep, scope: Record<string, Json>): ChoiceOption[] {
  if (step.options) return step.options;
  if (!step.optionsFrom) return [];
  const raw = lookup(scope, step.optionsFrom.split('.'));
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((o) => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.label !== 'string') return [];
    const synonyms = Array.isArray(o.synonyms) ? o.synonyms.filter((w): w is string => typeof w === 'string') : undefined;
    const place = typeof o.latitude === 'number' && typeof o.longitude === 'number' ? { latitude: o.latitude, longitude: o.longitude } : {};
    const end = typeof o.end === 'string' ? { end: o.end } : {};
    const unavailable = typeof o.unavailable === 'string' && o.unavailable ? { unavailable: o.unavailable } : {};
    return [{ label: o.label, value: typeof o.value === 'string' ? o.value : o.label, ...(synonyms?.length ? { synonyms } : {}), ...place, ...end, ...unavailable, ...(o.hidden === true ? { hidden: true } : {}) }];
  });
}

/** The options a question offers: those listed as unavailable (only to say why) left out. */
export function offeredOptions(options: ChoiceOption[]): ChoiceOption[] {
  return options.some((o) => o.unavailable) ? options.filter((o) => !o.unavailable) : options;
}
