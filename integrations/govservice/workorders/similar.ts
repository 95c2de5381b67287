import type { RequestType, WorkOrder, WorkOrderLocation } from './port';

/** Request types that describe the same kind of problem (a 投诉 and a 求助 about one pothole). */
const FAMILIES: RequestType[][] = [['投诉', '举报', '求助'], ['咨询'], ['建议'], ['表扬']];
export const sameFamily = (a: RequestType, b: RequestType): boolean => FAMILIES.some((f) => f.includes(a) && f.includes(b));

/** How recent an open order must be to count as the same matter. */
export const SIMILAR_WITHIN_MS = 30 * 86_400_000;
const NEAR_METRES = 200;
const SIMILAR_WORDS = 0.5;

const normalise = (text: string) => text.replace(/[\s\p{P}\p{S}]+/gu, '').toLowerCase();

function bigrams(text: string): Set<string> {
  const chars = [...normalise(text)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  if (chars.length === 1) out.add(chars[0]!);
  return out;
}

/** Character-bigram Jaccard similarity (Chinese text has no spaces to split words on). */
export function wordSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared);
}

/** Great-circle distance in metres. */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

export function nearby(a: WorkOrderLocation | undefined, b: WorkOrderLocation | undefined): boolean {
  if (!a || !b) return false;
  if (a.text && b.text && normalise(a.text) === normalise(b.text)) return true;
  if (a.lat !== undefined && a.lng !== undefined && b.lat !== undefined && b.lng !== undefined) return distanceMetres({ lat: a.lat, lng: a.lng }, { lat: b.lat, lng: b.lng }) < NEAR_METRES;
  return false;
}

/** Whether `order` is the same matter as the probe: same family of type, same place or similar words. */
export function similar(order: WorkOrder, probe: { description: string; location?: WorkOrderLocation; type: RequestType }): boolean {
  if (!sameFamily(order.filing.type, probe.type)) return false;
  return nearby(order.filing.location, probe.location) || wordSimilarity(order.filing.description, probe.description) >= SIMILAR_WORDS;
}
