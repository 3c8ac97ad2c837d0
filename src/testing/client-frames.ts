/**
 * Test support (not a test): loads the captured client frames in shared/client-frames/ and digs
 * the `records` field out of Produce requests, so tests can use real clients' batches as golden
 * bytes. Reading files is allowed here because only tests import this module.
 *
 * Produce request layout after the request header (apiKey, apiVersion, correlationId, client_id
 * int16 string, plus one tagged-field byte section in header v2):
 *   v3-v8: transactional_id nullable string, acks int16, timeout int32,
 *          topics[int32]: name string, partitions[int32]: index int32, records int32-length bytes
 *   v9+:   the same with compact types (uvarint N+1) and a tagged-field section after each struct.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FrameLine {
  dir: 'req' | 'resp';
  client: string;
  apiKey: number;
  apiVersion: number;
  headerVersion: number;
  step: string;
  hex: string;
  codec?: string;
  framing?: { kind: string };
}

export interface ProducePartitionRecords {
  topic: string;
  partition: number;
  records: Buffer;
}

/**
 * The captured frames are committed under src/testing/fixtures/client-frames (copied from the
 * shared capture set), so tests run from a fresh clone; found by walking up from this file (works
 * from src/ and dist/).
 */
export function clientFramesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'testing', 'fixtures', 'client-frames');
    if (existsSync(join(candidate, 'kafkajs.jsonl'))) return candidate;
  }
  throw new Error('src/testing/fixtures/client-frames not found above ' + fileURLToPath(import.meta.url));
}

export function loadFrames(file: string): FrameLine[] {
  const text = readFileSync(join(clientFramesDir(), file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FrameLine);
}

export function produceRequests(file: string): FrameLine[] {
  return loadFrames(file).filter((f) => f.dir === 'req' && f.apiKey === 0);
}

/** Every partition's records field in a Produce request frame (hex includes the size prefix). */
export function produceRecords(frame: FrameLine): ProducePartitionRecords[] {
  const r = new FrameCursor(Buffer.from(frame.hex, 'hex'), frame.apiVersion >= 9);
  r.pos = 4 + 2 + 2 + 4; // size, apiKey, apiVersion, correlationId
  r.skip(Math.max(r.buf.readInt16BE(r.pos), 0) + 2); // client_id: always an int16 string
  if (frame.headerVersion === 2) r.skipTags();
  r.skipString(); // transactional_id
  r.skip(2 + 4); // acks, timeout
  const out: ProducePartitionRecords[] = [];
  for (let t = r.count(); t > 0; t--) {
    const topic = r.string();
    for (let p = r.count(); p > 0; p--) {
      const partition = r.buf.readInt32BE(r.pos);
      r.skip(4);
      out.push({ topic, partition, records: r.bytes() });
      if (r.flexible) r.skipTags();
    }
    if (r.flexible) r.skipTags();
  }
  return out;
}

class FrameCursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly flexible: boolean,
  ) {}

  skip(n: number): void {
    this.pos += n;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.pos++] as number;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
    }
  }

  /** Array count or string/bytes length: compact ones store N+1. */
  length(int16: boolean): number {
    if (this.flexible) return this.uvarint() - 1;
    const n = int16 ? this.buf.readInt16BE(this.pos) : this.buf.readInt32BE(this.pos);
    this.pos += int16 ? 2 : 4;
    return n;
  }

  count(): number {
    return this.length(false);
  }

  string(): string {
    const n = this.length(true);
    const s = this.buf.toString('utf8', this.pos, this.pos + Math.max(n, 0));
    this.pos += Math.max(n, 0);
    return s;
  }

  skipString(): void {
    this.string();
  }

  bytes(): Buffer {
    const n = this.length(false);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
