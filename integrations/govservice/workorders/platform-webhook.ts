import { Router } from '@koa/router';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import type { Clock, Deduper } from '../../../bot/ports';
import { canonical, sameSignature, sign, SIGNATURE_HEADERS } from '../signed-http';
import { WorkOrderNotFoundError } from './machine';
import { WorkOrderTransitionError, type WorkOrderTransition } from './port';
import type { WorkOrderService } from './service';

export const PLATFORM_WEBHOOK_PATH = '/workorders/platform';
/** A signed timestamp further than this from now is refused, and nonces are remembered this long. */
export const PLATFORM_WINDOW_S = 300;

const text = (max: number) => z.string().trim().min(1).max(max);
const MoveSchema = z.discriminatedUnion('to', [
  z.object({ to: z.literal('派单'), lead: text(100), supporting: z.array(text(100)).max(20).optional() }),
  z.object({ to: z.literal('受理'), reason: text(2000) }),
  z.object({ to: z.literal('办理') }),
  z.object({ to: z.literal('答复'), reply: text(5000) }),
  z.object({ to: z.literal('办结'), reply: text(5000).optional() }),
  z.object({ to: z.literal('回访'), note: text(2000).optional() }),
]);

/** One status update from the platform (docs/workorder-platform.md). */
export const PlatformUpdateSchema = z.object({
  reference: z.string().regex(/^GD\d{8,}$/),
  /** The platform's sequence number of this order's updates, from 1. */
  seq: z.number().int().min(1),
  at: z.number().int().positive(),
  /** The department that made the change. */
  by: text(100).optional(),
  update: MoveSchema,
});

export interface PlatformWebhookDeps {
  keyId: string;
  secret: string;
  service: WorkOrderService;
  /** Remembers nonces within the window (a replayed request is refused). */
  nonces: Deduper;
  clock: Clock;
  logger: Logger;
}

/**
 * The platform's signed status updates: `POST /workorders/platform`, signed as our requests are
 * (key id, timestamp within 300 s, a nonce used once, HMAC-SHA256 over method, path, timestamp,
 * nonce and the body's hash). Each update is applied once per sequence number; one older than the
 * order's last is acknowledged and ignored. 200: taken (applied or not); 401: signature; 400:
 * malformed; 404: no such order; 409: the lifecycle refuses it (the platform should not retry).
 */
export function createPlatformWebhook(deps: PlatformWebhookDeps): Router {
  const router = new Router();
  router.post(PLATFORM_WEBHOOK_PATH, async (ctx) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      ctx.status = status;
      ctx.body = body;
    };
    let body: string;
    try {
      body = await getRawBody(ctx.req, { limit: 64 * 1024, encoding: 'utf8' });
    } catch {
      return reply(413, { error: 'body_too_large' });
    }
    const timestamp = ctx.get(SIGNATURE_HEADERS.timestamp);
    const nonce = ctx.get(SIGNATURE_HEADERS.nonce);
    const fresh = /^\d{1,12}$/.test(timestamp) && Math.abs(deps.clock.now() / 1000 - Number(timestamp)) <= PLATFORM_WINDOW_S;
    const expected = sign(deps.secret, canonical(ctx.method, ctx.originalUrl, timestamp, nonce, body));
    if (ctx.get(SIGNATURE_HEADERS.key) !== deps.keyId || !fresh || !/^[\w-]{8,100}$/.test(nonce) || !sameSignature(ctx.get(SIGNATURE_HEADERS.signature), expected)) {
      deps.logger.warn({ fresh }, 'work-order platform webhook: bad or stale signature refused');
      return reply(401, { error: 'bad_signature' });
    }
    if (!(await deps.nonces.claim(`wo:nonce:${nonce}`, 2 * PLATFORM_WINDOW_S))) return reply(401, { error: 'replayed_nonce' });
    let parsed: z.infer<typeof PlatformUpdateSchema>;
    try {
      parsed = PlatformUpdateSchema.parse(JSON.parse(body));
    } catch {
      return reply(400, { error: 'bad_update' });
    }
    const log = deps.logger.child({ workOrder: parsed.reference, seq: parsed.seq });
    try {
      const applied = await deps.service.applyPlatformUpdate(parsed.reference, { seq: parsed.seq, move: parsed.update as WorkOrderTransition, ...(parsed.by ? { by: parsed.by } : {}), at: parsed.at });
      log.info({ applied, to: parsed.update.to }, applied ? 'work-order platform update applied' : 'work-order platform update ignored (already had it or a later one)');
      return reply(200, { ok: true, applied });
    } catch (err) {
      if (err instanceof WorkOrderNotFoundError) return reply(404, { error: 'no_such_order' });
      if (err instanceof WorkOrderTransitionError) {
        log.warn({ why: err.message }, 'work-order platform update refused by the lifecycle');
        return reply(409, { error: 'refused', why: err.message });
      }
      throw err;
    }
  });
  return router;
}
