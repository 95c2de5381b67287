import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A reverse proxy in front of the service, for the console's "works behind a buffering proxy":
 * - `pass`: streams responses through as they come;
 * - `nginx`: like nginx with `proxy_buffering on` — holds response bodies back in 16 KB blocks
 *   unless the upstream says `X-Accel-Buffering: no` (which nginx honours);
 * - `whole`: the worst kind (some corporate proxies and antivirus gateways) — holds every
 *   response, headers included, until the upstream has finished it; an event stream never
 *   arrives.
 * `cut()` drops every open connection (a proxy restart, a network blip). Host and Origin pass
 * unchanged, as a reverse proxy configured for the service's name would send them.
 */
export class BufferingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  mode: 'pass' | 'nginx' | 'whole';
  base = '';

  private constructor(
    readonly upstream: string,
    mode: BufferingProxy['mode'],
  ) {
    this.mode = mode;
    this.#server = createServer((req, res) => this.#forward(req, res));
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(upstream: string, mode: BufferingProxy['mode']): Promise<BufferingProxy> {
    const proxy = new BufferingProxy(upstream, mode);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', () => resolve()));
    proxy.base = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', this.upstream);
    const up = request(target, { method: req.method, headers: req.headers }, (upRes) => {
      const buffered = this.mode === 'whole' || (this.mode === 'nginx' && String(upRes.headers['x-accel-buffering'] ?? '').toLowerCase() !== 'no');
      if (!buffered) {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.flushHeaders();
        upRes.pipe(res);
        return;
      }
      if (this.mode === 'whole') {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(Buffer.concat(chunks));
        });
        return;
      }
      // nginx: headers at once, the body in 16 KB blocks (the rest when the upstream ends).
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      let pending: Buffer[] = [];
      let size = 0;
      upRes.on('data', (c: Buffer) => {
        pending.push(c);
        size += c.length;
        if (size >= 16 * 1024) {
          res.write(Buffer.concat(pending));
          pending = [];
          size = 0;
        }
      });
      upRes.on('end', () => res.end(Buffer.concat(pending)));
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  }

  /** Drops every open connection, browser side. */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
