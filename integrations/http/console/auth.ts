import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import type { Clock, ConversationLock, SessionStore } from '../../../bot/ports';
import { profileOf, UsernameSchema, type AuditLog, type StaffDirectory, type StaffProfile } from '../../../bot/staff/model';
import type { ConsoleConfig } from './config';
import { checkPassword } from './passwords';

/** A console login as kept in the shared store (any instance accepts it). */
const ConsoleSessionSchema = z.object({ username: z.string(), csrf: z.string(), createdAt: z.number(), expiresAt: z.number(), seenAt: z.number() });
export type ConsoleSession = z.infer<typeof ConsoleSessionSchema>;

const FailuresSchema = z.object({ count: z.number().int(), first: z.number(), lockedUntil: z.number().optional() });
type Failures = z.infer<typeof FailuresSchema>;

export type LoginResult =
  | { ok: true; token: string; session: ConsoleSession; profile: StaffProfile }
  | { ok: false; reason: 'invalid' | 'locked' | 'address'; retryAfterMs?: number };

/** A login's session is written again at most this often (its idle timer), not on every request. */
const RENEW_EVERY_MS = 30_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface ConsoleAuthDeps {
  staff: StaffDirectory;
  audit: AuditLog;
  sessions: SessionStore;
  lock: ConversationLock;
  clock: Clock;
  config: ConsoleConfig;
  logger: Logger;
}

/**
 * Logins of the console: passwords checked with argon2id (unknown names cost the same time and
 * get the same answer), failures counted per account name and per address in the shared store
 * (a name is locked after `maxFailures` within the lock-out time, an address refused after
 * `maxFailuresPerAddress`), sessions in the shared store under the hash of a random token (the
 * cookie carries the token) with an absolute and an idle expiry and a CSRF token of their own.
 * Every login, failure, lock-out and logout is audited.
 */
export class ConsoleAuth {
  constructor(private readonly deps: ConsoleAuthDeps) {}

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const now = this.deps.clock.now();
    const name = username.trim().toLowerCase();
    const addressFailures = await this.failures(`ip:${ip}`);
    if (addressFailures && addressFailures.count >= this.deps.config.maxFailuresPerAddress) {
      await this.deps.audit.append({ at: now, actor: UsernameSchema.safeParse(name).success ? name : '(unknown)', action: 'login-failed', ip, detail: { why: 'address refused' } });
      return { ok: false, reason: 'address', retryAfterMs: addressFailures.first + this.deps.config.lockoutMs - now };
    }
    const validName = UsernameSchema.safeParse(name).success;
    const nameFailures = validName ? await this.failures(`user:${name}`) : undefined;
    if (nameFailures?.lockedUntil && nameFailures.lockedUntil > now) {
      await this.deps.audit.append({ at: now, actor: name, action: 'login-failed', ip, detail: { why: 'locked' } });
      return { ok: false, reason: 'locked', retryAfterMs: nameFailures.lockedUntil - now };
    }
    const account = validName ? await this.deps.staff.get(name) : undefined;
    const good = await checkPassword(account?.passwordHash, password);
    if (!good || !account || account.disabled) {
      await this.countFailure(`ip:${ip}`, now, false);
      const after = validName ? await this.countFailure(`user:${name}`, now, true) : undefined;
      const locked = after?.lockedUntil !== undefined && after.lockedUntil > now;
      await this.deps.audit.append({ at: now, actor: validName ? name : '(unknown)', action: locked ? 'login-locked' : 'login-failed', ip, detail: { why: account?.disabled ? 'disabled' : 'wrong name or password' } });
      if (locked) this.deps.logger.warn({ user: name }, 'console account locked after failed logins');
      return locked ? { ok: false, reason: 'locked', retryAfterMs: after.lockedUntil! - now } : { ok: false, reason: 'invalid' };
    }
    await this.deps.sessions.delete(`console:fail:user:${name}`);
    const token = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { username: name, csrf: randomBytes(24).toString('base64url'), createdAt: now, expiresAt: now + this.deps.config.sessionMs, seenAt: now };
    await this.save(token, session);
    await this.deps.audit.append({ at: now, actor: name, action: 'login', ip });
    return { ok: true, token, session, profile: profileOf(account) };
  }

  /** The login of `token` with its (enabled) account, renewing its idle timer; undefined when it has ended. */
  async session(token: string | undefined): Promise<{ session: ConsoleSession; profile: StaffProfile } | undefined> {
    if (!token || token.length > 100) return undefined;
    const parsed = ConsoleSessionSchema.safeParse(await this.deps.sessions.get(this.key(token)));
    if (!parsed.success) return undefined;
    const session = parsed.data;
    const now = this.deps.clock.now();
    if (session.expiresAt <= now || now - session.seenAt > this.deps.config.idleMs) {
      await this.deps.sessions.delete(this.key(token));
      return undefined;
    }
    const account = await this.deps.staff.get(session.username);
    if (!account || account.disabled) {
      await this.deps.sessions.delete(this.key(token));
      return undefined;
    }
    if (now - session.seenAt >= RENEW_EVERY_MS) {
      session.seenAt = now;
      await this.save(token, session);
    }
    return { session, profile: profileOf(account) };
  }

  async logout(token: string, username: string, ip: string): Promise<void> {
    await this.deps.sessions.delete(this.key(token));
    await this.deps.audit.append({ at: this.deps.clock.now(), actor: username, action: 'logout', ip });
  }

  /** When the account name is locked until, if it is. */
  async lockedUntil(username: string): Promise<number | undefined> {
    const f = await this.failures(`user:${username}`);
    return f?.lockedUntil !== undefined && f.lockedUntil > this.deps.clock.now() ? f.lockedUntil : undefined;
  }

  async unlock(username: string): Promise<void> {
    await this.deps.sessions.delete(`console:fail:user:${username}`);
  }

  private key(token: string): string {
    return `console:sess:${sha256(token)}`;
  }

  private async save(token: string, session: ConsoleSession): Promise<void> {
    const now = this.deps.clock.now();
    const ttlMs = Math.min(session.expiresAt - now, this.deps.config.idleMs);
    await this.deps.sessions.set(this.key(token), session, Math.max(1, Math.ceil(ttlMs / 1000)));
  }

  private async failures(key: string): Promise<Failures | undefined> {
    const parsed = FailuresSchema.safeParse(await this.deps.sessions.get(`console:fail:${key}`));
    if (!parsed.success) return undefined;
    return this.deps.clock.now() - parsed.data.first > this.deps.config.lockoutMs && !(parsed.data.lockedUntil && parsed.data.lockedUntil > this.deps.clock.now()) ? undefined : parsed.data;
  }

  /** Counts a failure (under the key's lock, so parallel attempts on two instances all count). */
  private countFailure(key: string, now: number, lockable: boolean): Promise<Failures> {
    const full = `console:fail:${key}`;
    return this.deps.lock.run(full, async () => {
      const current = (await this.failures(key)) ?? { count: 0, first: now };
      const count = current.count + 1;
      const lockedUntil = lockable && count >= this.deps.config.maxFailures ? now + this.deps.config.lockoutMs : current.lockedUntil;
      const next: Failures = { count, first: current.first, ...(lockedUntil ? { lockedUntil } : {}) };
      const ttlMs = Math.max((lockedUntil ?? 0) - now, current.first + this.deps.config.lockoutMs - now, 1000);
      await this.deps.sessions.set(full, next, Math.ceil(ttlMs / 1000));
      return next;
    });
  }
}
