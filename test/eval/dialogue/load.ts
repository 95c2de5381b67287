import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import type { Known } from './known';
import { EvalFileSchema, type EvalCase, type EvalFile, type Expect } from './schema';

export const DIALOGUE_DIR = fileURLToPath(new URL('.', import.meta.url));
/** The held-out conversations (`--dir test/eval/holdout`): never tuned on, so they measure generalisation. */
export const HOLDOUT_DIR = fileURLToPath(new URL('../holdout/', import.meta.url));

export interface LoadedFile {
  /** File name without folder, e.g. `choice-words.yaml`. */
  file: string;
  data: EvalFile;
}

/** A problem in an evaluation file, naming file, case and field. */
export interface FormatProblem {
  file: string;
  case?: string;
  field: string;
  message: string;
}

export const formatProblem = (p: FormatProblem): string => `${p.file}${p.case ? `: case "${p.case}"` : ''}: ${p.field}: ${p.message}`;

export class EvalFormatError extends Error {
  constructor(readonly problems: FormatProblem[]) {
    super(`dialogue evaluation files refused (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.map(formatProblem).join('\n  ')}`);
    this.name = 'EvalFormatError';
  }
}

/** The evaluation files of a folder (every `*.yaml`), sorted by name. */
export function evalFiles(dir = DIALOGUE_DIR): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort().map((n) => join(dir, n));
}

/** Parses and checks one file's text; problems name the file, the case and the field. */
export function parseEvalFile(source: string, file: string, known: Known): { data?: EvalFile; problems: FormatProblem[] } {
  let raw: unknown;
  try {
    raw = parse(source);
  } catch (error) {
    if (error instanceof YAMLParseError) return { problems: [{ file, field: `line ${error.linePos?.[0].line ?? '?'}`, message: `YAML syntax error: ${error.message.split('\n')[0]}` }] };
    throw error;
  }
  const result = EvalFileSchema.safeParse(raw);
  if (!result.success) return { problems: result.error.issues.map((issue) => zodProblem(file, raw, issue)) };
  return { data: result.data, problems: result.data.cases.flatMap((c) => semanticProblems(file, c, known)) };
}

/** Loads every file; throws EvalFormatError listing all problems (duplicate case names included). */
export function loadEvalFiles(known: Known, paths = evalFiles()): LoadedFile[] {
  const problems: FormatProblem[] = [];
  const loaded: LoadedFile[] = [];
  const names = new Map<string, string>();
  for (const path of paths) {
    const file = basename(path);
    const { data, problems: found } = parseEvalFile(readFileSync(path, 'utf8'), file, known);
    problems.push(...found);
    if (!data) continue;
    for (const c of data.cases) {
      const other = names.get(c.name);
      if (other) problems.push({ file, case: c.name, field: 'name', message: `also used in ${other} (case names are unique across files, for --case)` });
      names.set(c.name, file);
    }
    loaded.push({ file, data });
  }
  if (problems.length) throw new EvalFormatError(problems);
  return loaded;
}

function zodProblem(file: string, raw: unknown, issue: z.core.$ZodIssue): FormatProblem {
  const path = issue.path.map(String);
  const caseIndex = path[0] === 'cases' && path[1] !== undefined ? Number(path[1]) : undefined;
  const rawCases = (raw as { cases?: { name?: unknown }[] } | null)?.cases;
  const name = caseIndex !== undefined && Array.isArray(rawCases) ? rawCases[caseIndex]?.name : undefined;
  const field = (caseIndex !== undefined ? path.slice(2) : path).join('.') || '(file)';
  return { file, case: typeof name === 'string' ? name : caseIndex !== undefined ? `#${caseIndex + 1}` : undefined, field, message: issue.message };
}

/** What zod cannot see: a case must expect something, and the flows and codes it names must exist. */
function semanticProblems(file: string, c: EvalCase, known: Known): FormatProblem[] {
  const problems: FormatProblem[] = [];
  const add = (field: string, message: string) => problems.push({ file, case: c.name, field, message });
  const expects: [string, Expect][] = [...c.turns.flatMap((t, i): [string, Expect][] => (t.expect ? [[`turns.${i}.expect`, t.expect]] : [])), ['expect', c.expect]];
  if (expects.every(([, e]) => Object.keys(e).length === 0)) add('expect', 'the case expects nothing (a case that cannot fail measures nothing)');
  for (const [at, e] of expects) {
    for (const [field, ids] of [['flow', e.flow ? [e.flow] : []], ['reached', e.reached ?? []], ['notReached', e.notReached ?? []]] as const) {
      for (const id of ids) if (!known.flows.has(id)) add(`${at}.${field}`, `unknown flow "${id}" (one of ${[...known.flows.keys()].sort().join(', ')})`);
    }
    for (const [field, codes] of [['items', (e.items ?? []).flat()], ['noItems', e.noItems ?? []]] as const) {
      for (const code of codes) if (!known.answers.has(code)) add(`${at}.${field}`, `unknown catalogue code "${code}"`);
    }
    const lastItem = e.items?.at(-1);
    if (Array.isArray(lastItem) && e.answers) add(`${at}.answers`, 'answers need a single last item (not alternatives)');
    const last = typeof lastItem === 'string' ? lastItem : undefined;
    if (e.answers && lastItem === undefined) add(`${at}.answers`, 'answers need items (the answers are those of the last item begun)');
    const dims = last ? known.answers.get(last) : undefined;
    for (const [dim, value] of Object.entries(e.answers ?? {})) {
      if (!dims) break;
      const values = dims.get(dim);
      if (!values) add(`${at}.answers.${dim}`, `"${last}" asks no "${dim}" (its questions: ${[...dims.keys()].join(', ') || 'none'})`);
      else if (typeof value === 'string' && !values.has(value)) add(`${at}.answers.${dim}`, `"${value}" is not an option of "${dim}" (${[...values].join(', ')})`);
    }
  }
  return problems;
}
