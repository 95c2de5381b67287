import type { Application } from './schema';

/**
 * The government platform's progress lookup (办件进度). The built-in simulator answers from
 * seeded demo applications; the HTTP adapter asks a city's integrated platform
 * (docs/progress-api.md). Callers never learn which of the two factors was wrong.
 */
export interface ProgressBackend {
  /** The application when the number and the second factor (last 4 digits of the applicant's mobile) both match; otherwise undefined. */
  lookup(number: string, phoneLast4: string, now: number): Promise<Application | undefined>;
  /** The application by number alone (system access for watches the resident already unlocked); undefined when unknown. */
  get(number: string, now: number): Promise<Application | undefined>;
  /** Applications accepted from bookings made here (by booking number). */
  byBookings(references: string[], now: number): Promise<Application[]>;
}

/** Normalises what a resident types as an application number: no spaces or dashes, upper case. */
export function normaliseNumber(text: string): string {
  return text.replace(/[\s\-－—_]/gu, '').toUpperCase();
}

/** Plausible application numbers: 8–32 letters and digits (each platform has its own scheme). */
export const NUMBER_PATTERN = /^[A-Z0-9]{8,32}$/;
