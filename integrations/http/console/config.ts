import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../../bot/config';

/** Settings of the agent console's login (the rest is HTTP_* and flows/desk.yaml). */
export const ConsoleEnvSchema = z.object({
  /** A login lasts at most this long, however active. */
  CONSOLE_SESSION_HOURS: wholeNumber(1, 24).default(10),
  /** A login ends after this long without any request (an open console's live stream counts). */
  CONSOLE_IDLE_MINUTES: wholeNumber(5, 24 * 60).default(30),
  /** Failed passwords for one account, within the lock-out time, before it is locked. */
  CONSOLE_MAX_FAILURES: wholeNumber(3, 20).default(5),
  /** How long a locked account stays locked (an admin can unlock it sooner); also the window failures are counted in. */
  CONSOLE_LOCKOUT_MINUTES: wholeNumber(1, 24 * 60).default(15),
  /** Failed logins from one address within the lock-out time before that address is refused for a while (behind a reverse proxy every login comes from its address: keep this high). */
  CONSOLE_MAX_FAILURES_PER_ADDRESS: wholeNumber(5, 10_000).default(100),
});

export interface ConsoleConfig {
  sessionMs: number;
  idleMs: number;
  maxFailures: number;
  lockoutMs: number;
  maxFailuresPerAddress: number;
}

export function loadConsoleConfig(env: Record<string, string | undefined> = process.env): ConsoleConfig {
  const e = parseEnv(ConsoleEnvSchema, env);
  return {
    sessionMs: e.CONSOLE_SESSION_HOURS * 3_600_000,
    idleMs: e.CONSOLE_IDLE_MINUTES * 60_000,
    maxFailures: e.CONSOLE_MAX_FAILURES,
    lockoutMs: e.CONSOLE_LOCKOUT_MINUTES * 60_000,
    maxFailuresPerAddress: e.CONSOLE_MAX_FAILURES_PER_ADDRESS,
  };
}

export const DEFAULT_CONSOLE_CONFIG: ConsoleConfig = loadConsoleConfig({});
