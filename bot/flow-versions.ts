import { FlowDefinitionError } from '../flows/loader';
import { FlowRegistry } from '../flows/registry';
import { FlowSchema, type Flow } from '../flows/schema';
import type { Logger } from './logger';
import type { VersionedStore } from './ports';

const NS = 'flows';

/**
 * Publishes the flow files' versions to the shared versioned store and builds a registry of every
 * stored version, so a conversation started on version N finishes on N after N+1 is deployed,
 * on any instance. A published version is immutable: changing a flow means raising its version.
 */
export async function publishFlows(files: Flow[], store: VersionedStore, logger: Logger): Promise<FlowRegistry> {
  const problems: string[] = [];
  for (const flow of files) {
    const result = await store.put(NS, flow.id, flow.version, flow);
    if (result === 'exists') {
      const stored = await store.get(NS, flow.id, flow.version);
      if (JSON.stringify(stored) !== JSON.stringify(flow)) {
        problems.push(`flow "${flow.id}": version ${flow.version} is already published with different content; raise its version`);
      }
    }
  }
  if (problems.length) throw new FlowDefinitionError(problems);

  const registry = new FlowRegistry();
  const current = new Set(files.map((f) => f.id));
  for (const id of await store.list(NS)) {
    if (!current.has(id)) continue; // a flow removed from the files is retired
    for (const version of await store.versions(NS, id)) {
      const parsed = FlowSchema.safeParse(await store.get(NS, id, version));
      if (parsed.success) registry.add([parsed.data]);
      else logger.warn({ flow: id, version }, 'stored flow version no longer parses; conversations on it will restart');
    }
  }
  // The files win for their own versions (and cover a store that lost them).
  registry.add(files);
  return registry;
}
