import { z } from 'zod';
import { ConfigError } from '../../../bot/config';
import type { Logger } from '../../../bot/logger';
import { SignedHttpClient } from '../signed-http';
import type { ProgressBackend } from './port';
import { normaliseNumber } from './port';
import { ApplicationSchema, type Application } from './schema';

const OneSchema = z.object({ application: ApplicationSchema });
const ListSchema = z.object({ applications: z.array(ApplicationSchema) });

/**
 * `ProgressBackend` over a city's integrated government platform (contract: docs/progress-api.md):
 * signed requests with a deadline and retries (every call is a read). A lookup that does not
 * match (unknown number or wrong second factor) is a 404 the platform gives alike for both.
 */
export class HttpProgressBackend implements ProgressBackend {
  constructor(private readonly http: SignedHttpClient) {}

  static fromEnv(env: { PROGRESS_API_URL?: string; PROGRESS_API_KEY_ID?: string; PROGRESS_API_SECRET?: string; PROGRESS_API_TIMEOUT_MS: number }, logger: Logger): HttpProgressBackend {
    const missing = (['PROGRESS_API_URL', 'PROGRESS_API_KEY_ID', 'PROGRESS_API_SECRET'] as const).filter((k) => !env[k]);
    if (missing.length) throw new ConfigError(`invalid configuration:\n  ${missing.map((k) => `${k}: required with PROGRESS_BACKEND=http`).join('\n  ')}`);
    return new HttpProgressBackend(
      new SignedHttpClient({ baseUrl: env.PROGRESS_API_URL ?? '', keyId: env.PROGRESS_API_KEY_ID ?? '', secret: env.PROGRESS_API_SECRET ?? '', timeoutMs: env.PROGRESS_API_TIMEOUT_MS, service: 'gov-platform', logger }),
    );
  }

  async lookup(number: string, phoneLast4: string): Promise<Application | undefined> {
    const { body } = await this.http.request({
      operation: 'lookup',
      method: 'POST',
      path: '/v1/applications/lookup',
      // A lookup changes nothing: safe to retry.
      idempotencyKey: `lookup:${normaliseNumber(number)}:${phoneLast4}`,
      body: { number: normaliseNumber(number), phoneLast4 },
      schema: OneSchema,
      accept: [404],
    });
    return body?.application;
  }

  async get(number: string): Promise<Application | undefined> {
    const { body } = await this.http.request({ operation: 'get', method: 'GET', path: `/v1/applications/${encodeURIComponent(normaliseNumber(number))}`, schema: OneSchema, accept: [404] });
    return body?.application;
  }

  async byBookings(references: string[]): Promise<Application[]> {
    if (references.length === 0) return [];
    const { body } = await this.http.request({ operation: 'byBookings', method: 'GET', path: '/v1/applications', query: { bookingReference: references.join(',') }, schema: ListSchema });
    return body?.applications ?? [];
  }
}
