/**
 * A minimal HTTP listener for the broker's endpoints (Prometheus' /metrics, the schema registry's
 * REST API): the one place that imports node:http, as tcp.ts is for node:net. The handler sees
 * method, path, query, lower-cased headers and the body (read whole, at most MAX_BODY_BYTES) and
 * answers status, content type and body; it never touches the socket.
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
  /** The query string's parameters (empty when there is none). */
  readonly query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with ', '. */
  readonly headers: ReadonlyMap<string, string>;
  /** The request body as UTF-8 ('' when there is none). */
  readonly body: string;
}

/** A body past this is answered 413 without calling the handler (schemas are small). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

/** The whole body, or null past MAX_BODY_BYTES (the rest is drained, not kept). */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens on host:port (port 0 picks a free one); resolves once bound. */
export function listenHttp(host: string, port: number, handler: HttpHandler): Promise<Listener> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const headers = new Map<string, string>();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
    readBody(req).then((body) => (body === null ? Promise.resolve({ status: 413, contentType: 'text/plain; charset=utf-8', body: 'request body too large\n' }) : handler({ method: req.method ?? 'GET', path, query, headers, body }))).then(
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
