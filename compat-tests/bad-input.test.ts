/**
 * Hostile and broken input on raw TCP connections (node:net: this is the attacker, not a client).
 * Each attack must get an error response or a closed connection within a timeout, never a hang or
 * a crash; meanwhile a well-behaved kafkajs producer and admin, connected before the attacks on
 * their own connections, keep working after every attack, and the node is alive at the end.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { sleep } from './support/broker-process.js';
import { useKafkajsBroker } from './support/kafkajs-broker.js';
import { uniqueTopic } from './support/helpers.js';

const MAX_REQUEST = 1_048_576;

// ---- wire helpers (request header v1/v2, Kafka's layout) -----------------------------------------

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function str16(s: string): Buffer {
  return Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
}
function frame(body: Buffer): Buffer {
  return Buffer.concat([int32(body.length), body]);
}
/** Request header v1: api_key, api_version, correlation_id, client_id. */
function headerV1(apiKey: number, version: number, correlationId: number, clientId = 'compat-attacker'): Buffer {
  return Buffer.concat([int16(apiKey), int16(version), int32(correlationId), str16(clientId)]);
}

/** A deterministic byte generator (xorshift32), so a failing case can be replayed. */
function pseudoRandomBytes(seed: number, n: number): Buffer {
  let x = seed >>> 0 || 1;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

type Outcome =
  | { kind: 'closed'; received: Buffer }
  | { kind: 'response'; correlationId: number; body: Buffer }
  | { kind: 'timeout'; received: Buffer };

interface AttackOptions {
  /** Bytes to write, in order; a number is a pause in ms. */
  readonly send: readonly (Buffer | number)[];
  /** Half-close our side (FIN) after this long without an outcome (a peer that stops talking). */
  readonly endAfterMs?: number;
  /** Destroy our side right after sending (the broker then has nothing to answer). */
  readonly destroyAfterSend?: boolean;
  readonly timeoutMs?: number;
}

/** Connects, sends, and reports the first of: a complete response frame, a close, or a timeout. */
function attack(host: string, port: number, opts: AttackOptions): Promise<Outcome> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      sock.destroy();
      resolve(o);
    };
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // A reset from the broker is a close; failing to connect at all is not an outcome.
      if (e.code === 'ECONNREFUSED') {
        done = true;
        for (const t of timers) clearTimeout(t);
        reject(e);
      } else finish({ kind: 'closed', received });
    });
    sock.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (received.length >= 8) {
        const size = received.readInt32BE(0);
        if (size >= 4 && received.length >= 4 + size) {
          finish({ kind: 'response', correlationId: received.readInt32BE(4), body: received.subarray(8, 4 + size) });
        }
      }
    });
    sock.on('end', () => finish({ kind: 'closed', received }));
    sock.on('close', () => finish({ kind: 'closed', received }));
    sock.on('connect', () => {
      void (async () => {
        for (const part of opts.send) {
          if (done) return;
          if (typeof part === 'number') await sleep(part);
          else sock.write(part);
        }
        if (opts.destroyAfterSend === true) {
          sock.destroy();
          finish({ kind: 'closed', received });
          return;
        }
        if (opts.endAfterMs !== undefined) timers.push(setTimeout(() => { if (!done) sock.end(); }, opts.endAfterMs));
      })();
      timers.push(setTimeout(() => finish({ kind: 'timeout', received }), timeoutMs));
    });
  });
}

function describeOutcome(o: Outcome): string {
  if (o.kind === 'response') return `response (correlation id ${o.correlationId}, ${o.body.length} body bytes)`;
  return `${o.kind} after receiving ${o.received.length} bytes`;
}

// ---- the suite -------------------------------------------------------------------------------------

describe('bad input on raw connections does not hurt the node or other clients', function () {
  const fx = useKafkajsBroker('compat-well-behaved', { overrides: { 'socket.request.max.bytes': String(MAX_REQUEST) } });
  const topic = uniqueTopic('bad-input-health');
  let sent = 0;

  before(async function () {
    this.timeout(30_000);
    await fx.admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await healthCheck();
  });

  /** The well-behaved clients, on their own long-lived connections, still get correct answers. */
  async function healthCheck(): Promise<void> {
    assert.ok(fx.broker.alive, 'the node process died');
    const res = await fx.producer.send({ topic, acks: -1, messages: [{ key: `k${sent}`, value: `healthy-${sent}` }, { key: `j${sent}`, value: `healthy-${sent}b` }] });
    assert.equal(res.reduce((s, r) => s + (r.errorCode === 0 ? 0 : 1), 0), 0);
    sent += 2;
    const offsets = await fx.admin.fetchTopicOffsets(topic);
    assert.equal(offsets.reduce((s, o) => s + Number(o.high), 0), sent, 'high watermarks count every healthy write');
  }

  function host(): [string, number] {
    return [fx.broker.host, fx.broker.port];
  }

  it('answers a well-formed ApiVersions v0 (the raw harness itself works)', async function () {
    const o = await attack(...host(), { send: [frame(headerV1(18, 0, 4242))] });
    assert.equal(o.kind, 'response', describeOutcome(o));
    if (o.kind !== 'response') return;
    assert.equal(o.correlationId, 4242);
    assert.equal(o.body.readInt16BE(0), 0, 'error_code');
    await healthCheck();
  });

  it('a request split into single bytes, and two pipelined requests, are both answered in order', async function () {
    this.timeout(30_000);
    const req = frame(headerV1(18, 0, 77));
    const parts: (Buffer | number)[] = [];
    for (const byte of req) parts.push(Buffer.from([byte]), 5);
    const o = await attack(...host(), { send: parts });
    assert.equal(o.kind, 'response', describeOutcome(o));
    if (o.kind === 'response') assert.equal(o.correlationId, 77);

    const two = await new Promise<number[]>((resolve, reject) => {
      const s = connect({ host: fx.broker.host, port: fx.broker.port }, () => {
        s.write(Buffer.concat([frame(headerV1(18, 0, 1001)), frame(headerV1(18, 0, 1002))]));
      });
      let buf = Buffer.alloc(0);
      const ids: number[] = [];
      const t = setTimeout(() => { s.destroy(); reject(new Error(`only ${ids.length} of 2 pipelined responses within 10 s`)); }, 10_000);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          ids.push(buf.readInt32BE(4));
          buf = buf.subarray(4 + buf.readInt32BE(0));
        }
        if (ids.length === 2) { clearTimeout(t); s.destroy(); resolve(ids); }
      });
      s.on('error', (e) => { clearTimeout(t); reject(e); });
    });
    assert.deepEqual(two, [1001, 1002]);
    await healthCheck();
  });

  it('random bytes: error response or closed connection', async function () {
    this.timeout(30_000);
    for (const seed of [0x5eed1, 0xc0ffee, 0xbad5eed]) {
      const o = await attack(...host(), { send: [pseudoRandomBytes(seed, 65_536)], endAfterMs: 3_000 });
      assert.notEqual(o.kind, 'timeout', `seed ${seed}: ${describeOutcome(o)}`);
      await healthCheck();
    }
  });

  it('a correctly framed request of random bytes: error response or closed connection', async function () {
    this.timeout(30_000);
    for (const seed of [1, 2, 3, 4, 5]) {
      const body = pseudoRandomBytes(seed, 200);
      const o = await attack(...host(), { send: [frame(body)] });
      assert.notEqual(o.kind, 'timeout', `seed ${seed}: the node neither answered nor closed: ${describeOutcome(o)}`);
      await healthCheck();
    }
  });

  it('a truncated frame, then the client closes its side: the node closes too', async function () {
    // Metadata v1 for one topic, cut in the middle.
    const full = frame(Buffer.concat([headerV1(3, 1, 9), int32(1), str16(topic)]));
    const o = await attack(...host(), { send: [full.subarray(0, 15)], endAfterMs: 200 });
    assert.equal(o.kind, 'closed', describeOutcome(o));
    // And a client that vanishes mid-frame (RST / destroy), many times over.
    for (let i = 0; i < 20; i++) {
      await attack(...host(), { send: [full.subarray(0, 5 + (i % 10))], destroyAfterSend: true });
    }
    await healthCheck();
  });

  it('a length prefix larger than socket.request.max.bytes closes the connection', async function () {
    for (const size of [MAX_REQUEST + 1, 0x7fffffff]) {
      const o = await attack(...host(), { send: [int32(size), pseudoRandomBytes(size, 1024)] });
      assert.equal(o.kind, 'closed', `size prefix ${size}: ${describeOutcome(o)}`);
      await healthCheck();
    }
  });

  it('a negative or too-small length prefix closes the connection (or is answered with an error)', async function () {
    for (const size of [-1, -2147483648, 0, 3]) {
      const o = await attack(...host(), { send: [int32(size), Buffer.alloc(Math.max(0, size))], endAfterMs: 3_000 });
      assert.notEqual(o.kind, 'timeout', `size prefix ${size}: ${describeOutcome(o)}`);
      if (size < 0) assert.equal(o.kind, 'closed', `negative size prefix ${size}: ${describeOutcome(o)}`);
      await healthCheck();
    }
  });

  it('an unknown API key (999) with a valid header: error response or closed connection', async function () {
    const o = await attack(...host(), { send: [frame(Buffer.concat([headerV1(999, 0, 31337), Buffer.alloc(16)]))] });
    assert.notEqual(o.kind, 'timeout', describeOutcome(o));
    if (o.kind === 'response') assert.equal(o.correlationId, 31337, 'an error response must carry the request\'s correlation id');
    await healthCheck();
  });

  it('an unsupported version of a known API (Metadata v999): error response or closed connection', async function () {
    const o = await attack(...host(), { send: [frame(Buffer.concat([headerV1(3, 999, 555), int32(-1)]))] });
    assert.notEqual(o.kind, 'timeout', describeOutcome(o));
    if (o.kind === 'response') assert.equal(o.correlationId, 555);
    await healthCheck();
  });

  it('ApiVersions at an unsupported version is answered with UNSUPPORTED_VERSION in the v0 layout', async function () {
    // Header v2 (ApiVersions v3+ is flexible): client_id, then an empty tagged-field section.
    // Body: client_software_name / version as compact strings, empty tags.
    const body = Buffer.concat([headerV1(18, 127, 808), Buffer.from([0]), Buffer.from([4]), Buffer.from('abc'), Buffer.from([2]), Buffer.from('1'), Buffer.from([0])]);
    const o = await attack(...host(), { send: [frame(body)] });
    assert.equal(o.kind, 'response', `Kafka answers so that the client can retry with a lower version: ${describeOutcome(o)}`);
    if (o.kind !== 'response') return;
    assert.equal(o.correlationId, 808);
    assert.equal(o.body.readInt16BE(0), 35, 'error_code UNSUPPORTED_VERSION');
    const n = o.body.readInt32BE(2);
    const keys: number[] = [];
    for (let i = 0; i < n; i++) keys.push(o.body.readInt16BE(6 + i * 6));
    assert.ok(keys.includes(18), `the v0 api_keys array lists ApiVersions: ${keys.join(',')}`);
    await healthCheck();
  });

  it('a known API with a truncated body: error response or closed connection', async function () {
    // Metadata v1 claiming 5 topics but carrying none.
    const o = await attack(...host(), { send: [frame(Buffer.concat([headerV1(3, 1, 66), int32(5)]))] });
    assert.notEqual(o.kind, 'timeout', describeOutcome(o));
    if (o.kind === 'response') assert.equal(o.correlationId, 66);
    await healthCheck();
  });

  it('many half-open connections at once, then all dropped', async function () {
    this.timeout(30_000);
    const socks = await Promise.all(Array.from({ length: 100 }, () => new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: fx.broker.host, port: fx.broker.port }, () => {
        s.write(Buffer.concat([int32(1000), Buffer.alloc(10)]));
        resolve(s);
      });
      s.on('error', reject);
    })));
    await healthCheck();
    for (const s of socks) s.destroy();
    await sleep(200);
    await healthCheck();
  });

  it('the node is still alive at the end, and shuts down cleanly', async function () {
    this.timeout(30_000);
    await healthCheck();
    assert.ok(fx.broker.alive);
    await fx.producer.disconnect();
    await fx.admin.disconnect();
    const exit = await fx.broker.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  });
});
