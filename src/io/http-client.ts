/**
 * One HTTP request to another process (a schema registry follower forwarding a write to its
 * leader): the client side of http-server.ts, and like it the only code here that makes HTTP
 * calls. Bounded by `timeoutMs`; a failure to connect or a timeout rejects.
 */
import * as http from 'node:http';

export interface HttpCall {
  readonly method: string;
  /** Absolute URL (http://host:port/path?query). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(call.url, { method: call.method, headers: { ...call.headers, 'Content-Length': String(Buffer.byteLength(call.body)) }, timeout: call.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, contentType: String(res.headers['content-type'] ?? 'application/octet-stream'), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${call.url} within ${call.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(call.body);
  });
}
