/** Event ids as Redis Streams write them: `<ms>-<seq>`. */
export function parseEventId(id: string): [number, number] | undefined {
  const m = /^(\d{1,16})-(\d{1,16})$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareEventIds(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
