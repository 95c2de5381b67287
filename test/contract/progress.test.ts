import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger';
import { loadCatalog } from '../../integrations/govservice/catalog';
import { HttpProgressBackend } from '../../integrations/govservice/progress/http-backend';
import { ProgressSimulator } from '../../integrations/govservice/progress/simulator';
import { SignedHttpClient } from '../../integrations/govservice/signed-http';
import { startGovPlatformFake } from '../fakes/gov-platform';
import { describeProgressContract, NOW } from './progress.contract';

const KEY = { keyId: 'banshi-test', secret: 'a-shared-secret-of-at-least-32-chars!' };
const catalog = loadCatalog();

describeProgressContract('simulator', async () => ({ backend: await ProgressSimulator.load(await catalog, NOW), at: () => undefined, cleanup: async () => undefined }));

describeProgressContract('http adapter + fake platform', async () => {
  let platformNow = NOW;
  const fake = await startGovPlatformFake({ ...KEY, platform: await ProgressSimulator.load(await catalog, NOW), now: () => platformNow });
  const http = new SignedHttpClient({ baseUrl: fake.base, ...KEY, timeoutMs: 2_000, backoffMs: 10, service: 'gov-platform', logger: silentLogger() });
  return { backend: new HttpProgressBackend(http), at: (ms) => void (platformNow = ms), cleanup: () => fake.close() };
});

describe('HttpProgressBackend', () => {
  it('a lookup is signed and retried through an outage; the platform sees the factor only in the body', async () => {
    const fake = await startGovPlatformFake({ ...KEY, platform: await ProgressSimulator.load(await catalog, NOW) });
    try {
      fake.fail('503', 1);
      const backend = new HttpProgressBackend(new SignedHttpClient({ baseUrl: fake.base, ...KEY, timeoutMs: 2_000, backoffMs: 10, service: 'gov-platform', logger: silentLogger() }));
      expect(await backend.lookup('SL6501000018', '5678')).toMatchObject({ number: 'SL6501000018' });
      expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/v1/applications/lookup 503', 'POST /api/v1/applications/lookup 200']);
      expect(fake.requests.every((r) => !r.path.includes('5678'))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
