import { z } from 'zod';

/**
 * People who use the pages (the agent console now, the admin editor later): accounts with one
 * role each, kept in the shared store. There are no default accounts: the first admin is created
 * with `npm run admin:create`.
 */

/** agent: takes and answers chats. supervisor: also sees every queue, agent and clock, reads the audit log. admin: also manages accounts. */
export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_LABELS: Record<Role, string> = { agent: '坐席', supervisor: '班长', admin: '管理员' };

export const UsernameSchema = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-", starting with a letter');

export const StaffAccountSchema = z.object({
  username: UsernameSchema,
  /** How residents and colleagues see the person, e.g. "1023号" (a work number, not a full name). */
  displayName: z.string().min(1).max(20),
  role: RoleSchema,
  /** Teams whose queues the person serves (ids of flows/desk.yaml). */
  teams: z.array(z.string().min(1)).min(1).max(10),
  /** Chats held at once. */
  capacity: z.number().int().min(1).max(20),
  /** An argon2id PHC string. */
  passwordHash: z.string().startsWith('$argon2id$'),
  disabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type StaffAccount = z.infer<typeof StaffAccountSchema>;

/** What may be shown of an account (never the hash). */
export type StaffProfile = Omit<StaffAccount, 'passwordHash'>;

export function profileOf(account: StaffAccount): StaffProfile {
  const { passwordHash: _hash, ...profile } = account;
  return profile;
}

/** Roles allowed to do what supervisors do (see every chat, read the audit log). */
export const canSupervise = (role: Role): boolean => role === 'supervisor' || role === 'admin';

/** Passwords: long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, { error: 'at least 12 characters' }).max(128, { error: 'at most 128 characters' });

/**
 * The staff accounts. `update` replaces the fields given; `create` never overwrites.
 */
export interface StaffDirectory {
  create(account: StaffAccount): Promise<'created' | 'exists'>;
  get(username: string): Promise<StaffAccount | undefined>;
  list(): Promise<StaffAccount[]>;
  update(username: string, patch: Partial<Omit<StaffAccount, 'username' | 'createdAt'>>): Promise<StaffAccount | undefined>;
}

/** What people did: logins, taking, revealing, replying, transferring, closing, account changes. */
export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'login-locked',
  'logout',
  'take',
  'reveal',
  'reply',
  'note',
  'transfer',
  'release',
  'hand-back',
  'close',
  'presence',
  'account-create',
  'account-update',
  'audit-export',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  /** A username, or "system". */
  actor: z.string(),
  action: AuditActionSchema,
  /** What it was done to: a case id, an account. */
  target: z.string().optional(),
  /** Short facts (masked): the reason given for a reveal, the team transferred to, the work order … */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** The remote address (logins). */
  ip: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface AuditQuery {
  /** Entries with an id before this one (paging backwards). */
  before?: string;
  from?: number;
  to?: number;
  actor?: string;
  action?: AuditAction;
  limit: number;
}

/**
 * The append-only audit log: entries are added, read and exported, never changed or deleted
 * (only aged out past the retention). Shared by every instance.
 */
export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id'>): Promise<string>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
