import { createHash } from 'node:crypto';
import { localYmd } from '../../../flows/slots/calendar';
import type { ConversationAddress } from '../../../bot/ports';
import { residentKeyOf } from '../workorders/port';

/**
 * The idempotency key of a filing: the resident, the day and what they said. The same request
 * confirmed again the same day — a platform retry, or a resident asked to send again because the
 * turn that filed it could not be saved (Redis hung) — files one work order, not two; a message
 * id would differ between the two sends.
 */
export function filingKey(kind: string, to: Pick<ConversationAddress, 'channel' | 'userId'>, now: number, timeZone: string, said: (string | undefined | null)[]): string {
  const digest = createHash('sha256').update([residentKeyOf(to), ...said.map((s) => s ?? '')].join('\u0000')).digest('base64url').slice(0, 22);
  return `${kind}:${localYmd(now, timeZone)}:${digest}`;
}
