import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs the project's vitest on `files` as `npm test -- files` would, with `env` over the current one. */
function vitest(files: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The child is a fresh vitest run, not a worker of this one.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST'));
    const child = spawn('npx', ['vitest', 'run', ...files], { cwd: process.cwd(), env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm test preflight (vitest globalSetup)', () => {
  it('stops at once with one line naming a missing Redis and Chromium and how to install them', async () => {
    const run = await vitest(['test/contract/redis.test.ts', 'test/browser'], { REDIS_URL: 'redis://127.0.0.1:1', CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(run.code).toBe(1);
    const lines = run.output.split('\n').filter((l) => l.includes('npm test cannot run'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Redis is not answering at redis://127.0.0.1:1');
    expect(lines[0]).toContain('Chromium is missing at /nonexistent/chromium');
    expect(lines[0]).toMatch(/apt-get install -y \S*chromium/);
    expect(lines[0]).toContain('bash .ci/run');
    // No suite ran and failed one by one.
    expect(run.output).not.toMatch(/Test Files|FAIL|ECONNREFUSED/);
  });

  it('checks only what the selected files need: unit tests run without Redis or Chromium', async () => {
    const run = await vitest(['test/unit/bot/pii.test.ts'], { REDIS_URL: 'redis://127.0.0.1:1', CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(run.output).not.toContain('npm test cannot run');
    expect(run.code).toBe(0);
  });
});
