import { z } from 'zod';
import type { WorkOrderFiling } from '../workorders/port';

/** A photo slot as a flow passes it (flows/slots: `{url, mediaId, label}`), or nothing. */
export const photo = z.object({ url: z.string().nullish(), mediaId: z.string().nullish() }).loose().nullish();

/** The photo as a work order keeps it. */
export function photosOf(p: z.infer<typeof photo>): WorkOrderFiling['photos'] {
  return p ? [{ ...(p.url ? { url: p.url } : {}), ...(p.mediaId ? { mediaId: p.mediaId } : {}) }] : [];
}
