import { readFile } from 'node:fs/promises';
import { DEFAULT_FLOWS_DIR, flowFiles, parseFlow } from '../../../flows/loader';
import type { Flow } from '../../../flows/schema';
import { loadCatalog, targetOf, type Catalog } from '../../../integrations/govservice/catalog';
import { dimensionsOf } from '../../../integrations/govservice/catalog/resolve';

/**
 * What the evaluation files may name: the flows (by id, with their steps, read from the same
 * folders the bot loads) and the catalogue (codes and, per code, the scenario answers it asks).
 * A misspelt flow id or code in an expectation would fail forever; the loader refuses it instead.
 */
export interface Known {
  flows: Map<string, Flow>;
  catalog: Catalog;
  /** Per catalogue code: dimension id → option values (bundles: their eligibility and their items' dimensions). */
  answers: Map<string, Map<string, Set<string>>>;
}

export async function loadKnown(flowsDirs: string[] = [DEFAULT_FLOWS_DIR]): Promise<Known> {
  const flows = new Map<string, Flow>();
  for (const file of (await Promise.all(flowsDirs.map(flowFiles))).flat()) {
    const { flow, problems } = parseFlow(await readFile(file, 'utf8'), file);
    if (!flow) throw new Error(problems.join('\n'));
    flows.set(flow.id, flow);
  }
  const catalog = await loadCatalog();
  const answers = new Map<string, Map<string, Set<string>>>();
  for (const code of [...catalog.items.map((i) => i.code), ...catalog.bundles.map((b) => b.code)]) {
    const target = targetOf(catalog, code);
    if (!target) continue;
    const dims = [...dimensionsOf(target), ...(target.kind === 'bundle' ? target.bundle.eligibility : [])];
    answers.set(code, new Map(dims.map((d) => [d.id, new Set(d.options.map((o) => o.value))])));
  }
  return { flows, catalog, answers };
}
