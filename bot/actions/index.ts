import { signatureOf, type ActionSignature } from '../../flows/actions';
import type { AnyAction } from '../flow-runner';
import { leaveMessage, rateHumanService } from './handoff';

/** Every action flows can call, by name. */
export function builtInActions(extra: AnyAction[] = []): Map<string, AnyAction> {
  const all: AnyAction[] = [rateHumanService, leaveMessage, ...extra];
  return new Map(all.map((a) => [a.name, a]));
}

export function actionSignatures(actions: ReadonlyMap<string, AnyAction>): Map<string, ActionSignature> {
  return new Map([...actions].map(([name, action]) => [name, signatureOf(action)]));
}
