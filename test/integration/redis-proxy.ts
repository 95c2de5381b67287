import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a Redis server that a test can make misbehave, the way a hung server,
 * a silent network or a proxy reset would — at an exact point of a conversation turn:
 *
 * - `freezeAt(marker)`: the first command (client → server bytes) containing `marker`, and
 *   everything after it on that connection, waits until `thaw()` — Redis hung mid-turn.
 * - `freeze()` / `thaw()`: every connection stops passing bytes both ways (a SIGSTOP'd server).
 * - `cutAt(marker, 'before' | 'after')`: the connection carrying `marker` is cut before the
 *   command reaches Redis, or after it did (its reply is lost).
 * - `cut()`: every connection is closed and no new one accepted until `start()` again.
 */
export class RedisProxy {
  #server: Server | undefined;
  #port = 0;
  readonly #pairs = new Set<Pair>();
  #armed: { marker: string; action: 'freeze' | 'cut-before' | 'cut-after'; hit: () => void } | undefined;
  #frozenAll = false;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  async start(port = this.#port): Promise<void> {
    this.#server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  freezeAt(marker: string): Promise<void> {
    return this.#arm(marker, 'freeze');
  }

  cutAt(marker: string, when: 'before' | 'after'): Promise<void> {
    return this.#arm(marker, when === 'before' ? 'cut-before' : 'cut-after');
  }

  freeze(): void {
    this.#frozenAll = true;
  }

  thaw(): void {
    this.#frozenAll = false;
    for (const pair of this.#pairs) pair.flush();
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const pair of this.#pairs) pair.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #arm(marker: string, action: 'freeze' | 'cut-before' | 'cut-after'): Promise<void> {
    return new Promise((hit) => {
      this.#armed = { marker, action, hit };
    });
  }

  #accept(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    const pair: Pair = {
      frozen: false,
      toServer: [],
      toClient: [],
      flush: () => {
        pair.frozen = false;
        for (const chunk of pair.toServer.splice(0)) upstream.write(chunk);
        for (const chunk of pair.toClient.splice(0)) client.write(chunk);
      },
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    let swallowReplies = false;
    this.#pairs.add(pair);
    for (const s of [client, upstream]) {
      s.on('error', () => pair.destroy());
      s.on('close', () => {
        pair.destroy();
        this.#pairs.delete(pair);
      });
    }
    client.on('data', (chunk: Buffer) => {
      const armed = this.#armed;
      if (armed && chunk.includes(armed.marker)) {
        this.#armed = undefined;
        armed.hit();
        if (armed.action === 'cut-before') return pair.destroy();
        if (armed.action === 'cut-after') {
          upstream.write(chunk);
          swallowReplies = true;
          // Long enough for Redis to run the command; its reply never reaches the client.
          setTimeout(() => pair.destroy(), 100);
          return;
        }
        pair.frozen = true;
      }
      if (pair.frozen || this.#frozenAll) pair.toServer.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (swallowReplies) return;
      if (this.#frozenAll) pair.toClient.push(chunk);
      else client.write(chunk);
    });
  }
}

interface Pair {
  frozen: boolean;
  toServer: Buffer[];
  toClient: Buffer[];
  flush(): void;
  destroy(): void;
}
