import { createHmac } from 'node:crypto';
import { Router } from '@koa/router';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import type { Clock, Deduper } from '../../../bot/ports';
import { sameSignature } from '../signed-http';
import { tagOf } from './guard';
import type { ProgressBackend } from './port';
import type { ProgressNotifier } from './watch';

export const WEBHOOK_PATH = '/govservice/progress/events';
/** A signed timestamp further than this from now is refused (replays). */
export const WEBHOOK_WINDOW_S = 300;

const EventSchema = z.object({ eventId: z.string().min(1).max(200), number: z.string().min(1).max(64), version: z.number().int().min(1), at: z.number().optional() });

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the platform's signature of an event. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface ProgressWebhookDeps {
  secret: string;
  backend: ProgressBackend;
  notifier: ProgressNotifier;
  /** Remembers event ids: a retried event is answered once. */
  events: Deduper;
  clock: Clock;
  logger: Logger;
  tagSecret: string;
}

/**
 * The platform's status webhook (docs/progress-api.md): `POST /govservice/progress/events` with
 * `X-Platform-Timestamp` and `X-Platform-Signature`. A valid event makes us read the application
 * from the platform (the event only says "something changed") and tell its followers; a repeated
 * event id is acknowledged without notifying again, and notifications are once per version anyway.
 */
export function createProgressWebhook(deps: ProgressWebhookDeps): Router {
  const router = new Router();
  router.post(WEBHOOK_PATH, async (ctx) => {
    const timestamp = ctx.get('X-Platform-Timestamp');
    const signature = ctx.get('X-Platform-Signature');
    let body: string;
    try {
      body = await getRawBody(ctx.req, { limit: 16 * 1024, encoding: 'utf8' });
    } catch {
      ctx.status = 413;
      ctx.body = { error: 'body_too_large' };
      return;
    }
    const now = deps.clock.now();
    const fresh = /^\d{1,12}$/.test(timestamp) && Math.abs(now / 1000 - Number(timestamp)) <= WEBHOOK_WINDOW_S;
    if (!fresh || !signature || !sameSignature(signature, webhookSignature(deps.secret, timestamp, body))) {
      deps.logger.warn({ fresh }, 'progress webhook: bad or stale signature refused');
      ctx.status = 401;
      ctx.body = { error: 'bad_signature' };
      return;
    }
    let event: z.infer<typeof EventSchema>;
    try {
      event = EventSchema.parse(JSON.parse(body));
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'bad_event' };
      return;
    }
    const log = deps.logger.child({ application: tagOf(deps.tagSecret, 'number', event.number), version: event.version });
    if (!(await deps.events.claim(`pg:event:${event.eventId}`, 7 * 86_400))) {
      ctx.body = { ok: true, duplicate: true };
      return;
    }
    try {
      const app = await deps.backend.get(event.number, now);
      const sent = app ? await deps.notifier.update(app) : 0;
      log.info({ sent }, 'progress webhook event');
      ctx.body = { ok: true, notified: sent };
    } catch (err) {
      // Not handled: let the platform retry it.
      await deps.events.release(`pg:event:${event.eventId}`);
      log.error({ err }, 'progress webhook: event not handled');
      ctx.status = 503;
      ctx.body = { error: 'try_again' };
    }
  });
  return router;
}
