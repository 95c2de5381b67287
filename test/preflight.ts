import { access, constants, readFile } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * vitest globalSetup: before any suite starts, checks that what the selected test files need is
 * there (Redis answering at REDIS_URL, the redis-server binary for private servers, Chromium), and
 * otherwise stops the run with one line naming what is missing and how to install it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// This file names every need in its patterns; it needs none of them.
const SELF = fileURLToPath(import.meta.url);

type Need = 'redis' | 'redisServer' | 'chromium';
const NEEDS: Record<Need, RegExp> = {
  redis: /redis-test-env/,
  redisServer: /['"`]redis-server['"`]/,
  chromium: /playwright-core/,
};

/** The needs of a test file: its own text and that of the test helpers it imports (relative, transitively). */
async function needsOf(file: string, seen: Set<string>, found: Set<Need>): Promise<void> {
  if (seen.has(file) || file === SELF) return;
  seen.add(file);
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const [need, pattern] of Object.entries(NEEDS) as [Need, RegExp][]) if (pattern.test(text)) found.add(need);
  const testRoot = resolve('test');
  for (const match of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), match[1]!);
    if (!target.startsWith(testRoot)) continue;
    await needsOf(target.endsWith('.ts') ? target : `${target}.ts`, seen, found);
  }
}

/** Whether a Redis answers at `url`: any RESP reply to PING counts (NOAUTH included). */
function redisAnswers(url: string): Promise<boolean> {
  return new Promise((done) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      done(false);
      return;
    }
    const port = Number(parsed.port || 6379);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const socket: Socket = parsed.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => finish(/^[+-]/.test(chunk.toString('latin1'))));
  });
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) if (await executable(join(dir, name))) return true;
  return false;
}

const needed = (n: number, what = 'need it'): string => (n === 1 ? `1 test file ${what.replace(/^need/, 'needs').replace(/^start /, 'starts ')}` : `${n} test files ${what}`);

export default async function preflight(project: TestProject): Promise<void> {
  // The CLI's file filters (`vitest run test/unit`): only what those files need is checked.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  const counts: Record<Need, number> = { redis: 0, redisServer: 0, chromium: 0 };
  await Promise.all(
    testFiles.map(async (file) => {
      const found = new Set<Need>();
      await needsOf(file, new Set(), found);
      for (const need of found) counts[need] += 1;
    }),
  );

  const missing: string[] = [];
  const packages: string[] = [];
  const hasRedisServer = counts.redis + counts.redisServer > 0 ? await onPath('redis-server') : true;
  if (counts.redis > 0 && !(await redisAnswers(REDIS_URL))) {
    missing.push(`Redis is not answering at ${REDIS_URL} (${needed(counts.redis)})`);
  }
  if (!hasRedisServer) {
    if (counts.redisServer > 0) missing.push(`redis-server is not installed (${needed(counts.redisServer, 'start private servers')})`);
    packages.push('redis-server');
  }
  if (counts.chromium > 0 && !(await executable(CHROMIUM_PATH))) {
    missing.push(`Chromium is missing at ${CHROMIUM_PATH} (${needed(counts.chromium)})`);
    packages.push('chromium');
  }
  if (missing.length === 0) return;

  const redisDown = missing.some((m) => m.startsWith('Redis'));
  const steps = [packages.length > 0 ? `apt-get install -y ${packages.join(' ')}` : '', redisDown ? 'redis-server --daemonize yes' : ''].filter(Boolean);
  process.stderr.write(`\nnpm test cannot run: ${missing.join('; ')}. Fix (as root): ${steps.join(' && ')} — or run bash .ci/run, which installs and starts both.\n\n`);
  process.exit(1);
}
