import type { Flow } from './schema';
import type { FlowFrame, Json, Slots } from './types';

/** Frames: one running flow each (see FlowFrame); plain data the engine copies, never mutates in place. */

export function newFrame(flow: Flow, slots: Slots): FlowFrame {
  const first = flow.start ?? flow.steps[0]?.id ?? '';
  return { flowId: flow.id, version: flow.version, stepId: first, slots: { ...slots }, attempts: 0, history: [] };
}

export function copyFrame(f: FlowFrame): FlowFrame {
  return { ...f, slots: { ...f.slots }, history: [...f.history] };
}

/** What changed in `slots` since `before`: previous values to restore, new keys to drop (empty parts omitted). */
export function undoOf(before: Slots, slots: Slots): { restore?: Slots; unset?: string[] } {
  let restore: Slots | undefined;
  let unset: string[] | undefined;
  for (const key in slots) {
    if (before[key] === slots[key]) continue;
    if (key in before) (restore ??= {})[key] = before[key] as Json;
    else (unset ??= []).push(key);
  }
  for (const key in before) if (!(key in slots)) (restore ??= {})[key] = before[key] as Json;
  return { ...(restore ? { restore } : {}), ...(unset ? { unset } : {}) };
}
