import { describe, expect, it } from 'vitest';
import { loadHttpConfig } from '../../../integrations/http/config';
import { hostAllowed } from '../../../integrations/http/security';

describe('hostAllowed', () => {
  const allowed = ['banshi.example.gov.cn', '.city.gov.cn'];
  it.each([
    ['127.0.0.1:3000', true],
    ['10.0.0.5', true],
    ['[::1]:3000', true],
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['banshi.example.gov.cn', true],
    ['Banshi.Example.Gov.Cn:443', true],
    ['banshi.example.gov.cn.', true],
    ['city.gov.cn', true],
    ['sim.city.gov.cn', true],
    ['evil.example', false],
    ['banshi.example.gov.cn.evil.example', false],
    ['evilcity.gov.cn', false],
    ['127.0.0.1.nip.io', false],
    ['', false],
    [undefined, false],
    ['a b', false],
    ['host:port:extra', false],
  ])('%s → %s', (host, ok) => {
    expect(hostAllowed(host, allowed)).toBe(ok);
  });

  it('"*" allows any well-formed name', () => {
    expect(hostAllowed('anything.example', ['*'])).toBe(true);
  });
});

describe('loadHttpConfig', () => {
  it('defaults: a random cookie key, no extra hosts, 5 s keep-alive, 1,000 streams', () => {
    const a = loadHttpConfig({});
    const b = loadHttpConfig({});
    expect(a).toMatchObject({ cookieKeysRandom: true, allowedHosts: [], keepAliveTimeoutMs: 5000, maxStreams: 1000 });
    expect(a.cookieKeys[0]).not.toBe(b.cookieKeys[0]);
  });

  it('reads comma-separated keys and hosts', () => {
    const keys = `${'a'.repeat(32)}, ${'b'.repeat(40)}`;
    expect(loadHttpConfig({ HTTP_COOKIE_KEYS: keys, HTTP_ALLOWED_HOSTS: 'banshi.example.gov.cn,.city.gov.cn' })).toMatchObject({
      cookieKeys: ['a'.repeat(32), 'b'.repeat(40)],
      cookieKeysRandom: false,
      allowedHosts: ['banshi.example.gov.cn', '.city.gov.cn'],
    });
  });

  it.each([
    [{ HTTP_COOKIE_KEYS: 'short' }, 'HTTP_COOKIE_KEYS'],
    [{ HTTP_ALLOWED_HOSTS: 'http://x' }, 'HTTP_ALLOWED_HOSTS'],
    [{ HTTP_MAX_STREAMS: '0' }, 'HTTP_MAX_STREAMS'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadHttpConfig(env)).toThrow(name);
  });
});
