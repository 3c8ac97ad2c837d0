/**
 * A minimal HTTP listener for the broker's plain-text endpoints (Prometheus' /metrics): the one
 * place that imports node:http, as tcp.ts is for node:net. The handler sees only method and path
 * and answers status, content type and body; it never touches the socket.
 *
 * Invariants: every request gets an answer (a handler that throws answers 500, so a bug in one
 * scrape never takes the process down); close() ends keep-alive connections too, so a node's
 * stop() is not held up by an idle scraper.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Listener } from './tcp.js';

export interface HttpRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

/** Listens on host:port (port 0 picks a free one); resolves once bound. */
export function listenHttp(host: string, port: number, handler: HttpHandler): Promise<Listener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    handler({ method: req.method ?? 'GET', path }).then(
      (r) => {
        res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': Buffer.byteLength(r.body) });
        res.end(r.body);
      },
      (e: unknown) => {
        const body = `internal error: ${e instanceof Error ? e.message : String(e)}\n`;
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
    );
  });
  // A scraper that resets its connection is not a broker error.
  server.on('clientError', (_e, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: host === '' ? undefined : host, port }, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
