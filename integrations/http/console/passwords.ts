import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package's const enum cannot be read under isolatedModules.
const ARGON2ID = 2;

/**
 * Staff passwords as argon2id PHC strings (@node-rs/argon2, prebuilt; its defaults: 19 MiB,
 * 2 passes, 1 lane — OWASP's minimum for argon2id).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** A hash of nothing anyone knows: unknown usernames are checked against it, so they cost the same time. */
const DUMMY = hash('no such account, no such password', { algorithm: ARGON2ID });

/** Whether `password` matches `stored` (false for a malformed hash); with no account, as slow as with one. */
export async function checkPassword(stored: string | undefined, password: string): Promise<boolean> {
  try {
    if (!stored) {
      await verify(await DUMMY, password);
      return false;
    }
    return await verify(stored, password);
  } catch {
    return false;
  }
}
