import { FlowRegistry } from '../../../flows/registry';
import { FlowSchema } from '../../../flows/schema';
import type { EngineContext, EngineInput, EngineResult, FlowFrame } from '../../../flows/types';

/** Tue 2026-12-01 10:00 in Shanghai. */
export const NOW = Date.parse('2026-12-01T10:00:00+08:00');
export const ctx: EngineContext = { now: NOW, timeZone: 'Asia/Shanghai', vars: { city: '本市' } };

/** A registry holding flows written as plain objects (schema defaults applied). */
export function flowsOf(...raw: unknown[]): FlowRegistry {
  const registry = new FlowRegistry();
  registry.add(raw.map((r) => FlowSchema.parse(r)));
  return registry;
}

export const say = (text: string): EngineInput => ({ kind: 'text', text });

/** The text of every reply, in order. */
export const texts = (result: EngineResult): string[] => result.replies.map((r) => r.text);

/** Freezes frames all the way down, so an engine that writes into its input throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A frozen copy of frames, and a check that they are still as they were. */
export function frozen(frames: FlowFrame[]): { frames: FlowFrame[]; unchanged(): void } {
  const before = JSON.stringify(frames);
  const copy = deepFreeze(structuredClone(frames));
  return {
    frames: copy,
    unchanged: () => {
      if (JSON.stringify(copy) !== before) throw new Error('input frames changed');
    },
  };
}
