/**
 * Request timing through a Connection: each request is reported once, with its API key and
 * version, and its phases add up (queue behind an exclusive request, local, remote waits marked by
 * the handler, response queue behind an earlier slow response).
 */
import assert from 'node:assert/strict';
import type { ByteStream } from '../io/tcp.js';
import type { RequestTimesMs } from '../metrics/request-stats.js';
import { Connection, type ProcessResult, type RequestProcessor } from './connection.js';
import type { RequestTiming } from './request-timing.js';

class Stream implements ByteStream {
  readonly remoteAddress = 'test:1';
  private dataFn: (c: Buffer) => void = () => {};
  onData(fn: (c: Buffer) => void): void {
    this.dataFn = fn;
  }
  onClose(): void {}
  onDrain(): void {}
  write(): boolean {
    return true;
  }
  pause(): void {}
  resume(): void {}
  destroy(): void {}
  receive(b: Buffer): void {
    this.dataFn(b);
  }
}

/** apiKey, apiVersion, then a tag byte. */
function frame(apiKey: number, apiVersion: number, tag: number): Buffer {
  const b = Buffer.alloc(4 + 5);
  b.writeInt32BE(5, 0);
  b.writeInt16BE(apiKey, 4);
  b.writeInt16BE(apiVersion, 6);
  b.writeUInt8(tag, 8);
  return b;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('request timing', () => {
  it('reports each request once with its phases: queue, local, remote, response queue', async () => {
    const seen: { apiKey: number; apiVersion: number; t: RequestTimesMs }[] = [];
    const processor: RequestProcessor = {
      isExclusive: (k) => k === 10,
      releasesFrame: () => false,
      async process(f: Buffer, _c, timing?: RequestTiming): Promise<ProcessResult> {
        const tag = f.readUInt8(4);
        if (tag === 1) await sleep(60); // slow exclusive request: the next one queues behind it
        if (tag === 2) await (timing as RequestTiming).remote(sleep(40)); // parked: remote time
        if (tag === 3) await sleep(5);
        return [Buffer.from([tag])];
      },
    };
    const stream = new Stream();
    new Connection(1, stream, 'PLAINTEXT', processor, { maxFrameBytes: 1024, maxInFlightRequests: 10, observer: { now: () => performance.now(), completed: (apiKey, apiVersion, t) => seen.push({ apiKey, apiVersion, t }) } }, () => {}, () => {});
    stream.receive(Buffer.concat([frame(10, 4, 1), frame(1, 12, 2), frame(0, 9, 3)]));
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await sleep(10);
    assert.deepEqual(seen.map((s) => [s.apiKey, s.apiVersion]), [[10, 4], [1, 12], [0, 9]], 'once each, in response order');
    const [exclusive, fetch, produce] = seen.map((s) => s.t) as [RequestTimesMs, RequestTimesMs, RequestTimesMs];
    assert.ok(exclusive.localMs >= 50 && exclusive.remoteMs === 0, JSON.stringify(exclusive));
    assert.ok(fetch.queueMs >= 50, `the fetch waited behind the exclusive request: ${JSON.stringify(fetch)}`);
    assert.ok(fetch.remoteMs >= 30 && fetch.localMs < 20, `the parked wait is remote, not local: ${JSON.stringify(fetch)}`);
    assert.ok(produce.responseQueueMs >= 20, `the produce finished first but its response waited its turn: ${JSON.stringify(produce)}`);
    for (const t of [exclusive, fetch, produce]) {
      const parts = t.queueMs + t.localMs + t.remoteMs + t.responseQueueMs + t.responseSendMs;
      assert.ok(Math.abs(parts - t.totalMs) < 1, `phases add up to the total: ${JSON.stringify(t)}`);
    }
  });
});
