import type { Json } from '../types';

/** A slot parser's verdict: a value, or a short resident-facing reason it was not accepted. */
export type SlotResult = { ok: true; value: Json } | { ok: false; problem?: string };

export const accept = (value: Json): SlotResult => ({ ok: true, value });
export const reject = (problem?: string): SlotResult => ({ ok: false, problem });
