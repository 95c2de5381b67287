import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { YAMLParseError, parse } from 'yaml';
import type { z } from 'zod';
import { FlowSchema, type Flow } from './schema';
import { validateFlow, type ValidationContext } from './validate';

export const DEFAULT_FLOWS_DIR = fileURLToPath(new URL('./definitions', import.meta.url));

/** A flow file that cannot be used; the message names file, flow, step and field. */
export class FlowDefinitionError extends Error {
  override name = 'FlowDefinitionError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems in flow files:\n  ${problems.join('\n  ')}`);
  }
}

/** Flow files in `dir`: every `*.yaml` except conversation tests (`*.test.yaml`). */
export async function flowFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith('.yaml') && !n.endsWith('.test.yaml')).sort().map((n) => join(dir, n));
}

/** Parses and checks one flow document; `label` (the file) prefixes every problem. */
export function parseFlow(source: string, label: string): { flow?: Flow; problems: string[] } {
  let raw: unknown;
  try {
    raw = parse(source);
  } catch (error) {
    if (error instanceof YAMLParseError) return { problems: [`${label}: YAML syntax error at line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`] };
    throw error;
  }
  const result = FlowSchema.safeParse(raw);
  if (!result.success) return { problems: result.error.issues.map((issue) => `${label}: ${describeIssue(raw, issue)}`) };
  return { flow: result.data, problems: [] };
}

/** Loads every flow in `dirs` and validates them together (cross-flow references, actions). */
export async function loadFlows(dirs: string | string[], ctx: Omit<ValidationContext, 'flowIds'>): Promise<Flow[]> {
  const files = (await Promise.all([dirs].flat().map(flowFiles))).flat();
  const parsed = await Promise.all(files.map(async (file) => ({ file, ...parseFlow(await readFile(file, 'utf8'), displayPath(file)) })));
  const problems = parsed.flatMap((p) => p.problems);
  const flows = parsed.flatMap((p) => (p.flow ? [{ file: p.file, flow: p.flow }] : []));
  const flowIds = new Set(flows.map((f) => f.flow.id));
  const seen = new Map<string, string>();
  for (const { file, flow } of flows) {
    const other = seen.get(flow.id);
    if (other) problems.push(`${displayPath(file)}: flow "${flow.id}" is also defined in ${displayPath(other)}`);
    seen.set(flow.id, file);
    problems.push(...validateFlow(flow, { ...ctx, flowIds }).map((p) => `${displayPath(file)}: ${p} (flow ${flow.id})`));
  }
  if (problems.length) throw new FlowDefinitionError(problems);
  return flows.map((f) => f.flow);
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** `step "pick-date": unknown slot type "dat" (field type)` from a zod issue and the raw document. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  const where: string[] = [];
  const doc = raw as { id?: unknown; steps?: { id?: unknown; kind?: unknown }[] } | null;
  const flow = typeof doc?.id === 'string' ? [`flow ${doc.id}`] : [];
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const step = doc?.steps?.[path[1]];
    where.push(typeof step?.id === 'string' ? `step "${step.id}"` : `step #${path[1] + 1}`);
    const field = path.slice(2).join('.');
    // Name the kind that was given when the kind itself is wrong ("sya").
    const given = typeof step?.kind === 'string' ? ` "${step.kind}"` : '';
    const context = [...flow, ...(field ? [`field ${field}`] : [])].join(', ');
    return `${where.join(': ')}: ${issue.message.replace('unknown step kind', `unknown step kind${given}`)}${context ? ` (${context})` : ''}`;
  }
  const field = path.join('.');
  return `${field ? `field ${field}: ` : ''}${issue.message}${flow.length ? ` (${flow[0]})` : ''}`;
}
