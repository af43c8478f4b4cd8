import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP proxy on loopback between a store PC and the sync server that misbehaves on
 * request: refuses connections (server down), resets a connection before or after the server
 * handled the request (the answer is lost), or answers 503/429 with Retry-After itself.
 * `tamper` may rewrite a JSON answer (a man in the middle).
 */
export type Fault =
  | { kind: 'reset' }
  | { kind: 'drop-response' }
  | { kind: 'status'; status: number; retryAfter?: string };

export class FaultProxy {
  /** While true, every connection is destroyed at once (like a server that is down). */
  down = false;
  readonly log: { method: string; path: string; status: number | 'reset' }[] = [];
  tamper: ((path: string, body: unknown) => unknown) | null = null;
  private readonly faults: { path: string; fault: Fault }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
  ) {}

  static async start(upstream: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, new URL(upstream));
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next request whose path contains `path` meets `fault` (queued in order). */
  inject(path: string, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i += 1) this.faults.push({ path, fault });
  }

  count(path: string): number {
    return this.log.filter((l) => l.path.includes(path)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (this.down) {
      this.log.push({ method, path, status: 'reset' });
      req.socket.destroy();
      return;
    }
    const index = this.faults.findIndex((f) => path.includes(f.path));
    const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : null;
    const body = await readBody(req);
    if (fault?.kind === 'reset') {
      this.log.push({ method, path, status: 'reset' });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      this.log.push({ method, path, status: fault.status });
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'Try again later.' } }));
      return;
    }
    const answer = await this.forward(method, path, req.headers, body);
    if (fault?.kind === 'drop-response') {
      // The server did the work; the PC never hears about it.
      this.log.push({ method, path, status: 'reset' });
      req.socket.destroy();
      return;
    }
    this.log.push({ method, path, status: answer.status });
    let payload = answer.body;
    if (this.tamper && answer.headers['content-type']?.toString().includes('json')) {
      payload = Buffer.from(JSON.stringify(this.tamper(path, JSON.parse(payload.toString()))));
    }
    const headers = { ...answer.headers, 'content-length': String(payload.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    res.end(payload);
  }

  private forward(
    method: string,
    path: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method,
          path,
          headers: { ...headers, host: this.upstream.host },
        },
        (upstream) => {
          void readBody(upstream).then((b) =>
            resolve({ status: upstream.statusCode ?? 502, headers: upstream.headers, body: b }),
          );
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
