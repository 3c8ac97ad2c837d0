import assert from 'node:assert/strict';
import type { ByteStream } from '../io/tcp.js';
import { CLOSE_CONNECTION, Connection, type ProcessResult, type RequestProcessor } from './connection.js';

/** An in-memory stream: tests push bytes in and read what the connection wrote. */
class FakeStream implements ByteStream {
  readonly remoteAddress = 'test:1';
  written: Buffer[] = [];
  destroyed = false;
  paused = false;
  private dataFn: (c: Buffer) => void = () => {};
  private closeFn: () => void = () => {};
  onData(fn: (c: Buffer) => void): void {
    this.dataFn = fn;
  }
  onClose(fn: () => void): void {
    this.closeFn = fn;
  }
  onDrain(): void {}
  write(chunks: readonly Buffer[]): boolean {
    this.written.push(Buffer.concat(chunks));
    return true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  destroy(): void {
    this.destroyed = true;
    this.closeFn();
  }
  receive(b: Buffer): void {
    this.dataFn(b);
  }
}

/** A frame whose body is: apiKey int16, then a tag byte the fake processor echoes. */
function request(apiKey: number, tag: number): Buffer {
  const b = Buffer.alloc(4 + 3);
  b.writeInt32BE(3, 0);
  b.writeInt16BE(apiKey, 4);
  b.writeUInt8(tag, 6);
  return b;
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until `done()` holds: progress, not a guess at how long the work takes. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

function processor(delays: Map<number, number>, exclusiveKeys: Set<number>, log: string[]): RequestProcessor {
  return {
    isExclusive: (k) => exclusiveKeys.has(k),
    releasesFrame: () => false,
    async process(frame): Promise<ProcessResult> {
      const tag = frame.readUInt8(2);
      log.push(`start ${tag}`);
      await tick(delays.get(tag) ?? 0);
      log.push(`end ${tag}`);
      if (tag === 99) return CLOSE_CONNECTION;
      if (tag === 0) return null;
      return [Buffer.from([tag])];
    },
  };
}

describe('Connection', () => {
  it('answers pipelined requests in request order even when later ones finish first', async () => {
    const s = new FakeStream();
    const log: string[] = [];
    new Connection(1, s, 'PLAINTEXT', processor(new Map([[1, 30]]), new Set(), log), { maxFrameBytes: 100, maxInFlightRequests: 10 }, () => {}, () => {});
    s.receive(Buffer.concat([request(0, 1), request(0, 2), request(0, 3)]));
    await until(() => s.written.length === 3, 'three responses');
    assert.deepEqual(s.written.map((b) => b[0]), [1, 2, 3]);
    // pipelined: 2 and 3 started before 1 finished
    assert.ok(log.indexOf('start 3') < log.indexOf('end 1'));
  });

  it('runs an exclusive request alone: after earlier ones end, before later ones start', async () => {
    const s = new FakeStream();
    const log: string[] = [];
    new Connection(1, s, 'PLAINTEXT', processor(new Map([[1, 20], [2, 20]]), new Set([19]), log), { maxFrameBytes: 100, maxInFlightRequests: 10 }, () => {}, () => {});
    s.receive(Buffer.concat([request(0, 1), request(19, 2), request(0, 3)]));
    await until(() => s.written.length === 3, 'three responses');
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    assert.deepEqual(s.written.map((b) => b[0]), [1, 2, 3]);
  });

  it('sends nothing for a null result and closes on CLOSE_CONNECTION', async () => {
    const s = new FakeStream();
    new Connection(1, s, 'PLAINTEXT', processor(new Map(), new Set(), []), { maxFrameBytes: 100, maxInFlightRequests: 10 }, () => {}, () => {});
    s.receive(Buffer.concat([request(0, 0), request(0, 5), request(0, 99), request(0, 6)]));
    await until(() => s.destroyed, 'the close');
    assert.deepEqual(s.written.map((b) => b[0]), [5]);
    assert.equal(s.destroyed, true);
  });

  it('closes on an oversized frame and pauses reading at the in-flight limit', async () => {
    const s = new FakeStream();
    new Connection(1, s, 'PLAINTEXT', processor(new Map([[1, 20], [2, 20]]), new Set(), []), { maxFrameBytes: 100, maxInFlightRequests: 2 }, () => {}, () => {});
    s.receive(Buffer.concat([request(0, 1), request(0, 2)]));
    assert.equal(s.paused, true);
    await until(() => !s.paused, 'reading to resume');
    const big = Buffer.alloc(4);
    big.writeInt32BE(1000);
    s.receive(big);
    assert.equal(s.destroyed, true);
  });
});
