import { z } from 'zod';
import type { Logger } from '../../../bot/logger';
import { SignedHttpClient } from '../signed-http';
import { platformSeqOf, type WorkOrderPlatform } from './outbox';
import type { WorkOrder } from './port';

/** What the platform receives: the order without the bot's own bookkeeping (sync, the rating invitation). */
export function platformView(o: WorkOrder) {
  const { sync: _sync, invitation: _invitation, ...rest } = o;
  return rest;
}

const Accepted = z.looseObject({});

/**
 * The city 12345 platform over signed HTTP (docs/workorder-platform.md): `POST /workorders`
 * with the order's state and its sequence number, `Idempotency-Key: <reference>:<seq>`. 2xx: taken;
 * 409: the platform has that sequence or a newer one (also taken). No retries here: the outbox
 * relay retries with its own backoff.
 */
export class HttpWorkOrderPlatform implements WorkOrderPlatform {
  readonly #http: SignedHttpClient;

  constructor(options: { baseUrl: string; keyId: string; secret: string; timeoutMs?: number; logger: Logger }) {
    this.#http = new SignedHttpClient({ baseUrl: options.baseUrl, keyId: options.keyId, secret: options.secret, timeoutMs: options.timeoutMs ?? 5_000, attempts: 1, service: 'workorder-platform', logger: options.logger });
  }

  async push(order: WorkOrder): Promise<void> {
    const seq = platformSeqOf(order);
    await this.#http.request({
      operation: 'push',
      method: 'POST',
      path: '/workorders',
      body: { reference: order.reference, seq, order: platformView(order) },
      idempotencyKey: `${order.reference}:${seq}`,
      schema: Accepted,
      accept: [409],
    });
  }
}
