import { z } from 'zod';
import { parseEnv, wholeNumber } from '../config';

/** Settings of the human-agent desk and the staff's audit log (the rest is flows/desk.yaml). */
export const DeskEnvSchema = z.object({
  /** Days a conversation's transcript (bot turns included) is kept after its last line, for agents. */
  HANDOFF_TRANSCRIPT_DAYS: wholeNumber(1, 90).default(7),
  /** Days an ended human session is kept (supervisors' views, ratings). */
  HANDOFF_RETENTION_DAYS: wholeNumber(1, 365).default(30),
  /** Days the audit log keeps entries (网络安全法 asks for at least six months). */
  AUDIT_RETENTION_DAYS: wholeNumber(180, 3650).default(365),
});
export type DeskEnv = z.infer<typeof DeskEnvSchema>;

export function loadDeskEnv(env: Record<string, string | undefined>): DeskEnv {
  return parseEnv(DeskEnvSchema, env);
}
