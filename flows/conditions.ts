import type { Condition } from './schema';
import { lookup } from './template';
import type { Json } from './types';

/** Evaluates a structured condition against slots; `slot` may be a dotted path. */
export function evaluate(condition: Condition, scope: Record<string, Json>): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, scope));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, scope));
  if ('not' in condition) return !evaluate(condition.not, scope);
  const value = lookup(scope, condition.slot.split('.'));
  const present = value !== undefined && value !== null && value !== '';
  if (condition.exists !== undefined && condition.exists !== present) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.notEquals !== undefined && value === condition.notEquals) return false;
  if (condition.in !== undefined && !condition.in.some((v) => v === value)) return false;
  const n = typeof value === 'number' ? value : Array.isArray(value) ? value.length : undefined;
  if (condition.gt !== undefined && !(n !== undefined && n > condition.gt)) return false;
  if (condition.gte !== undefined && !(n !== undefined && n >= condition.gte)) return false;
  if (condition.lt !== undefined && !(n !== undefined && n < condition.lt)) return false;
  if (condition.lte !== undefined && !(n !== undefined && n <= condition.lte)) return false;
  return true;
}

/** Slot roots a condition reads, for load-time checks. */
export function conditionSlots(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionSlots);
  if ('any' in condition) return condition.any.flatMap(conditionSlots);
  if ('not' in condition) return conditionSlots(condition.not);
  return [condition.slot.split('.')[0] ?? condition.slot];
}
