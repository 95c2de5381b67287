import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A `redis-server` of the test's own, on its own port and data directory (append-only file, so
 * a restart keeps the data as a production server would), for what the shared server on 6379
 * must never see: SIGSTOP, restarts, `CONFIG SET timeout`, `CLIENT KILL`. Only processes this
 * class started are signalled, by their pid.
 */
export class PrivateRedis {
  #process: ChildProcess | undefined;
  #dir = '';

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    redis.#dir = await mkdtemp(join(tmpdir(), 'banshi-redis-'));
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the server and waits until it answers PING. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.#dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--logfile', '', '--loglevel', 'warning'];
    const child = spawn('/usr/bin/redis-server', args, { stdio: 'ignore' });
    this.#process = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    for (let i = 0; i < 100; i++) {
      if (await this.#answers()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`PrivateRedis: redis-server on port ${this.port} did not answer`);
  }

  /** Stops the server (SIGTERM: it writes its data and exits) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT'); // a stopped process cannot handle SIGTERM
    child.kill('SIGTERM');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Runs one command on a short-lived connection of its own. */
  async command(args: string[]): Promise<unknown> {
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.sendCommand(args);
    } finally {
      client.destroy();
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #answers(): Promise<boolean> {
    try {
      return (await this.command(['PING'])) === 'PONG';
    } catch {
      return false;
    }
  }
}
