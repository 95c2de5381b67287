import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CatalogError, DEFAULT_CATALOG_DIR, targetOf, type Catalog, type CatalogProblem, type Hall } from '../catalog';
import { BookingFileSchema, type BookingFile, type BookingRules, type GreenChannel } from './schema';

export const DEFAULT_BOOKING_FILE = join(DEFAULT_CATALOG_DIR, 'booking.yaml');

/** A window group residents can book: its hall, slot length and places (split into the green channel's and the others'). */
export interface BookableWindow {
  hall: Hall;
  window: string;
  slotMinutes: number;
  places: number;
  green: number;
  normal: number;
}

/** The loaded, cross-checked booking configuration. */
export interface BookingConfig {
  rules: BookingRules;
  greenChannel: GreenChannel;
  /** Whether a catalogue item or bundle can be booked here. */
  bookable(code: string): boolean;
  /** The window groups where a bookable item can be booked (places > 0), in the catalogue's order of halls. */
  windowsFor(code: string): BookableWindow[];
  /** One hall's window group for an item, if bookable there. */
  windowAt(code: string, hallId: string): BookableWindow | undefined;
  /** A window group by hall and name, if some bookable item is booked there. */
  windowOf(hallId: string, window: string): BookableWindow | undefined;
}

/** Places kept for the green channel: the share, rounded, at least one when a slot has two or more. */
export function greenPlaces(places: number, share: number): number {
  if (places < 2 || share <= 0) return 0;
  return Math.min(places - 1, Math.max(1, Math.round(places * share)));
}

/**
 * Validates booking.yaml against the catalogue: every item must exist, say in the catalogue that
 * it can be booked, and name halls; every window rule must be one a bookable item uses. Problems
 * name the file and the field (`items.2`, `windows.0.window`).
 */
export function buildBookingConfig(data: unknown, catalog: Catalog, file = DEFAULT_BOOKING_FILE): BookingConfig {
  const problems: CatalogProblem[] = [];
  const parsed = BookingFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new CatalogError(parsed.error.issues.map((i) => ({ file, field: i.path.join('.') || '(root)', message: i.message })));
  }
  const doc: BookingFile = parsed.data;
  const push = (field: string, message: string) => problems.push({ file, field, message });
  const refsOf = (code: string) => {
    const t = targetOf(catalog, code);
    return t ? (t.kind === 'item' ? t.item.halls : t.bundle.halls) : [];
  };
  doc.items.forEach((code, i) => {
    const t = targetOf(catalog, code);
    if (!t) return push(`items.${i}`, `unknown catalogue code "${code}"`);
    const channels = t.kind === 'item' ? t.item.channels : t.bundle.channels;
    if (!channels.booking.available) push(`items.${i}`, `${code} says in the catalogue that it cannot be booked (channels.booking.available: false)`);
    if (refsOf(code).length === 0) push(`items.${i}`, `${code} names no hall to book at`);
  });
  if (new Set(doc.items).size !== doc.items.length) push('items', 'an item is listed twice');
  doc.windows.forEach((w, i) => {
    if (!catalog.getHall(w.hall)) return push(`windows.${i}.hall`, `unknown hall "${w.hall}" (not in halls.yaml)`);
    if (!doc.items.some((code) => refsOf(code).some((r) => r.hall === w.hall && r.window === w.window))) {
      push(`windows.${i}.window`, `no bookable item uses window "${w.window}" at ${w.hall}`);
    }
    if (doc.windows.findIndex((x) => x.hall === w.hall && x.window === w.window) !== i) push(`windows.${i}`, `window "${w.window}" at ${w.hall} is listed twice`);
  });
  if (problems.length) throw new CatalogError(problems);

  const windowOf = (hall: Hall, window: string): BookableWindow => {
    const own = doc.windows.find((w) => w.hall === hall.id && w.window === window);
    const places = own?.places ?? doc.defaults.places;
    const green = greenPlaces(places, doc.greenChannel.share);
    return { hall, window, slotMinutes: own?.slotMinutes ?? doc.defaults.slotMinutes, places, green, normal: places - green };
  };
  const items = new Set(doc.items);
  const windowsFor = (code: string): BookableWindow[] =>
    items.has(code)
      ? refsOf(code).flatMap((r) => {
          const hall = catalog.getHall(r.hall);
          const w = hall ? windowOf(hall, r.window) : undefined;
          return w && w.places > 0 ? [w] : [];
        })
      : [];
  return {
    rules: doc.rules,
    greenChannel: doc.greenChannel,
    bookable: (code) => windowsFor(code).length > 0,
    windowsFor,
    windowAt: (code, hallId) => windowsFor(code).find((w) => w.hall.id === hallId),
    windowOf: (hallId, window) => doc.items.flatMap(windowsFor).find((w) => w.hall.id === hallId && w.window === window),
  };
}

/** Reads and checks flows/catalog/booking.yaml (or `file`). */
export async function loadBookingConfig(catalog: Catalog, file = DEFAULT_BOOKING_FILE): Promise<BookingConfig> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CatalogError([{ file, field: '(yaml)', message: err instanceof Error ? err.message : String(err) }]);
  }
  return buildBookingConfig(data, catalog, file);
}
