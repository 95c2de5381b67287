/**
 * Deep partial matching for the dialogue evaluation's expectations (slots, answers, effect
 * inputs). An expected object matches when each of its keys matches (other keys may exist);
 * arrays match element by element (same length); scalars match by equality, where a YAML number
 * also matches the same digits as a string (slot values read from text are strings).
 *
 * An object whose single key starts with `$` is an operator instead of a shape:
 * `$not` (the inner matcher must fail), `$absent` (undefined or null), `$includes` (a string
 * containing the fragment, or an array with a matching element), `$matches` (a string matching
 * the regular expression), `$maxLength` / `$minLength` (of a string or array), `$oneOf`.
 */

export const OPERATORS = ['$not', '$absent', '$includes', '$matches', '$maxLength', '$minLength', '$oneOf'] as const;
type Operator = (typeof OPERATORS)[number];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function operatorOf(expected: unknown): Operator | undefined {
  if (!isRecord(expected)) return undefined;
  const keys = Object.keys(expected);
  return keys.length === 1 && keys[0]?.startsWith('$') ? (keys[0] as Operator) : undefined;
}

/** Problems in a matcher written in a file: unknown operators, bad regular expressions, wrong operand types. */
export function matcherProblems(expected: unknown, path = ''): string[] {
  const op = operatorOf(expected);
  if (op !== undefined) {
    const operand = (expected as Record<string, unknown>)[op];
    const at = path ? `${path}: ` : '';
    if (!(OPERATORS as readonly string[]).includes(op)) return [`${at}unknown operator ${op} (one of ${OPERATORS.join(', ')})`];
    switch (op) {
      case '$not':
        return matcherProblems(operand, path);
      case '$absent':
        return operand === true ? [] : [`${at}$absent takes true`];
      case '$matches':
        if (typeof operand !== 'string') return [`${at}$matches takes a regular expression`];
        try {
          new RegExp(operand, 'u');
          return [];
        } catch (error) {
          return [`${at}$matches: ${(error as Error).message}`];
        }
      case '$maxLength':
      case '$minLength':
        return Number.isInteger(operand) && (operand as number) >= 0 ? [] : [`${at}${op} takes a whole number`];
      case '$oneOf':
        return Array.isArray(operand) && operand.length > 0 ? operand.flatMap((v, i) => matcherProblems(v, `${path}[${i}]`)) : [`${at}$oneOf takes a list`];
      case '$includes':
        return matcherProblems(operand, path);
    }
  }
  if (Array.isArray(expected)) return expected.flatMap((v, i) => matcherProblems(v, `${path}[${i}]`));
  if (isRecord(expected)) return Object.entries(expected).flatMap(([k, v]) => matcherProblems(v, path ? `${path}.${k}` : k));
  return [];
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Why `actual` does not match `expected` (naming the path), or undefined when it matches. */
export function mismatch(expected: unknown, actual: unknown, path = ''): string | undefined {
  const at = path || 'value';
  const op = operatorOf(expected);
  if (op !== undefined) {
    const operand = (expected as Record<string, unknown>)[op];
    switch (op) {
      case '$not':
        return mismatch(operand, actual, path) === undefined ? `${at}: expected not ${show(operand)}, got ${show(actual)}` : undefined;
      case '$absent':
        return actual === undefined || actual === null ? undefined : `${at}: expected nothing, got ${show(actual)}`;
      case '$includes':
        if (typeof actual === 'string' && typeof operand !== 'object') return actual.includes(String(operand)) ? undefined : `${at}: ${show(actual)} does not contain ${show(operand)}`;
        if (Array.isArray(actual)) return actual.some((a) => mismatch(operand, a) === undefined) ? undefined : `${at}: no element matches ${show(operand)} in ${show(actual)}`;
        return `${at}: expected something containing ${show(operand)}, got ${show(actual)}`;
      case '$matches':
        return typeof actual === 'string' && new RegExp(String(operand), 'u').test(actual) ? undefined : `${at}: ${show(actual)} does not match /${String(operand)}/`;
      case '$maxLength':
      case '$minLength': {
        const length = typeof actual === 'string' || Array.isArray(actual) ? actual.length : undefined;
        if (length === undefined) return `${at}: expected a text or list for ${op}, got ${show(actual)}`;
        const ok = op === '$maxLength' ? length <= (operand as number) : length >= (operand as number);
        return ok ? undefined : `${at}: length ${length} is ${op === '$maxLength' ? 'over' : 'under'} ${String(operand)}`;
      }
      case '$oneOf':
        return (operand as unknown[]).some((o) => mismatch(o, actual) === undefined) ? undefined : `${at}: ${show(actual)} is none of ${show(operand)}`;
    }
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected a list, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} elements, got ${actual.length} (${show(actual)})`;
    for (const [i, e] of expected.entries()) {
      const m = mismatch(e, actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (isRecord(expected)) {
    if (!isRecord(actual)) return `${at}: expected an object, got ${show(actual)}`;
    for (const [key, e] of Object.entries(expected)) {
      const m = mismatch(e, actual[key], path ? `${path}.${key}` : key);
      if (m) return m;
    }
    return undefined;
  }
  if (expected === actual) return undefined;
  if (typeof expected === 'number' && typeof actual === 'string' && String(expected) === actual) return undefined;
  return `${at}: expected ${show(expected)}, got ${show(actual)}`;
}
