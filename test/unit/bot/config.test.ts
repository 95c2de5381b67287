import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, CoreConfigSchema, loadCoreConfig, parseEnv } from '../../../bot/config';

describe('loadCoreConfig', () => {
  it('fills defaults from an empty environment; empty strings count as unset', () => {
    const defaults = { PORT: 3000, HOST: '127.0.0.1', KEY_PREFIX: 'banshi:', REDIS_COMMAND_TIMEOUT_MS: 2000, LOG_LEVEL: 'info', SESSION_IDLE_MINUTES: 30, SESSION_RESUME_HOURS: 24, CITY_NAME: '本市', HUMAN_AGENTS: 'off', SIMULATOR: 'on' };
    expect(loadCoreConfig({})).toEqual(defaults);
    expect(loadCoreConfig({ PORT: '', REDIS_URL: '' })).toEqual(defaults);
  });

  it('coerces numbers and keeps given values', () => {
    expect(loadCoreConfig({ PORT: '8080', REDIS_URL: 'redis://127.0.0.1:6379', CITY_NAME: '海州市', SESSION_IDLE_MINUTES: '10' })).toMatchObject({
      PORT: 8080,
      REDIS_URL: 'redis://127.0.0.1:6379',
      CITY_NAME: '海州市',
      SESSION_IDLE_MINUTES: 10,
    });
  });
});

describe('parseEnv errors name the variable and what it got', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT', '"abc"'],
    [{ PORT: '70000' }, 'PORT', '"70000"'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', '"http://x"'],
    [{ KEY_PREFIX: 'Banshi' }, 'KEY_PREFIX', '"Banshi"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', '"loud"'],
    [{ SIMULATOR: 'yes' }, 'SIMULATOR', '"yes"'],
  ])('%j', (env, name, got) => {
    const error = (() => {
      try {
        parseEnv(CoreConfigSchema, env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith('invalid configuration:\n')).toBe(true);
    expect(message).toMatch(new RegExp(`\\n  ${name}: .+ \\(got ${got.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`));
  });

  it('lists every bad variable, one per line, with the custom wording of the schema', () => {
    expect(() => parseEnv(CoreConfigSchema, { PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(
      'invalid configuration:\n  PORT: a whole number from 1 to 65535 (got "abc")\n  REDIS_URL: a redis:// or rediss:// URL (got "http://x")',
    );
  });

  it('a missing required variable is named without a got value', () => {
    expect(() => parseEnv(z.object({ TOKEN: z.string().min(1) }), {})).toThrow('invalid configuration:\n  TOKEN: Invalid input: expected string, received undefined');
  });
});

describe('the simulator switch and the log pseudonym key', () => {
  it('serves the simulator by default, but not when NODE_ENV=production unless SIMULATOR=on', () => {
    expect(loadCoreConfig({}).SIMULATOR).toBe('on');
    expect(loadCoreConfig({ NODE_ENV: 'development' }).SIMULATOR).toBe('on');
    expect(loadCoreConfig({ NODE_ENV: 'production' }).SIMULATOR).toBe('off');
    expect(loadCoreConfig({ NODE_ENV: 'production', SIMULATOR: 'on' }).SIMULATOR).toBe('on');
    expect(loadCoreConfig({ SIMULATOR: 'off' }).SIMULATOR).toBe('off');
  });

  it('takes a pseudonym key of 16 characters or more', () => {
    expect(loadCoreConfig({ LOG_PSEUDONYM_KEY: 'k'.repeat(32) }).LOG_PSEUDONYM_KEY).toBe('k'.repeat(32));
    expect(() => loadCoreConfig({ LOG_PSEUDONYM_KEY: 'short' })).toThrow('LOG_PSEUDONYM_KEY: at least 16 characters');
  });
});
