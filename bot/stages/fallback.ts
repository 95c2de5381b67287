import type { FlowRunner } from '../flow-runner';
import type { Middleware } from '../turn';

/** Nothing understood the message: the fallback flow answers (sorry + what I can do). */
export function fallback(runner: FlowRunner, fallbackFlow: string): Middleware {
  return async (turn) => {
    turn.trace.stage = 'fallback';
    await runner.start(turn, fallbackFlow, { query: turn.text ?? '' });
  };
}
