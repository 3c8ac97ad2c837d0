/**
 * Record v2 (Kafka's DefaultRecord) inside a batch's (decompressed) records section:
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint, key | valueLength varint, value | headersCount varint |
 *   headers: keyLength varint, key (UTF-8, never null), valueLength varint (-1 = null), value
 * All varints are zig-zag (record-varint.ts).
 *
 * Three readers of one layout: `decodeRecords` materialises records (Buffers are views into the
 * input, not copies); `checkRecordFraming` walks them without allocating, for the produce path;
 * `encodeRecords` writes them for the batch builder. Malformed input is reported with Kafka's
 * messages from DefaultRecord/DefaultRecordBatch, as INVALID_RECORD.
 */
import { invalidRecord } from './record-errors.js';
import {
  newCursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  type VarintCursor,
  writeVarint,
  writeVarlong,
} from './record-varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** What the builder encodes: deltas are already relative to the batch's base offset/timestamp. */
export interface RecordToEncode {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

/** Decodes exactly `count` records that must fill `data[start, end)`; throws INVALID_RECORD. */
export function decodeRecords(data: Buffer, count: number, start = 0, end = data.length): DecodedRecord[] {
  const c = newCursor(data, start, end);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i++) records.push(decodeOne(c));
  if (c.pos !== end) throw invalidRecord('Incorrect declared batch size, records still remaining in file');
  return records;
}

function decodeOne(c: VarintCursor): DecodedRecord {
  const outerEnd = c.end;
  const bodyEnd = recordBodyEnd(c);
  c.end = bodyEnd; // a field running past its record is a size mismatch, not its neighbour's bytes
  c.pos++; // attributes: unused in v2
  const timestampDelta = readVarlong(c);
  const offsetDelta = readVarint(c);
  const key = readNullableBytes(c);
  const value = readNullableBytes(c);
  const headerCount = readVarint(c);
  if (!c.ok) throw premature();
  if (headerCount < 0) throw invalidRecord(`Found invalid number of record headers ${headerCount}`);
  const headers: RecordHeader[] = [];
  for (let h = 0; h < headerCount; h++) headers.push(readHeader(c));
  if (c.pos !== bodyEnd) throw sizeMismatch(c, bodyEnd);
  c.end = outerEnd;
  return { offsetDelta, timestampDelta, key, value, headers };
}

/** Reads the length prefix and bounds the cursor to the record body; returns the body's end. */
function recordBodyEnd(c: VarintCursor): number {
  const length = readVarint(c);
  if (!c.ok || length < 1 || c.pos + length > c.end) throw premature();
  return c.pos + length;
}

function readHeader(c: VarintCursor): RecordHeader {
  const keyLength = readVarint(c);
  if (!c.ok || keyLength < 0) throw invalidRecord('Invalid negative header key size ' + keyLength);
  if (c.pos + keyLength > c.end) throw premature();
  const key = c.buf.toString('utf8', c.pos, c.pos + keyLength);
  c.pos += keyLength;
  const value = readNullableBytes(c);
  if (!c.ok) throw premature();
  return { key, value };
}

function readNullableBytes(c: VarintCursor): Buffer | null {
  const length = readVarint(c);
  if (!c.ok || length < 0) return null;
  if (c.pos + length > c.end) {
    c.ok = false;
    return null;
  }
  const bytes = c.buf.subarray(c.pos, c.pos + length);
  c.pos += length;
  return bytes;
}

/**
 * Walks `count` records in `buf[start, end)` checking only their framing, without allocating.
 * Returns null when well-formed, else Kafka's reason (to be answered as INVALID_RECORD).
 * `c` is a caller-owned scratch cursor, reused across calls.
 */
export function checkRecordFraming(buf: Buffer, start: number, end: number, count: number, c: VarintCursor): string | null {
  c.buf = buf;
  c.pos = start;
  c.ok = true;
  for (let i = 0; i < count; i++) {
    c.end = end;
    const length = readVarint(c);
    if (!c.ok || length < 1 || c.pos + length > end) return 'Incorrect declared batch size, premature EOF reached';
    const reason = skipBody(c, c.pos + length);
    if (reason !== null) return reason;
  }
  return c.pos === end ? null : 'Incorrect declared batch size, records still remaining in file';
}

function skipBody(c: VarintCursor, bodyEnd: number): string | null {
  c.end = bodyEnd; // a field running past its record is a size mismatch, not its neighbour's bytes
  c.pos++; // attributes
  readVarlong(c);
  readVarint(c);
  skipNullableBytes(c);
  skipNullableBytes(c);
  const headerCount = readVarint(c);
  if (headerCount < 0) return `Found invalid number of record headers ${headerCount}`;
  for (let h = 0; h < headerCount && c.ok; h++) {
    const keyLength = readVarint(c);
    if (keyLength < 0) return `Invalid negative header key size ${keyLength}`;
    advance(c, keyLength);
    skipNullableBytes(c);
  }
  if (!c.ok || c.pos !== bodyEnd) return 'Invalid record size: the record body does not match its length';
  return null;
}

function skipNullableBytes(c: VarintCursor): void {
  const length = readVarint(c);
  if (length > 0) advance(c, length);
}

function advance(c: VarintCursor, n: number): void {
  if (c.pos + n > c.end) c.ok = false;
  else c.pos += n;
}

function premature(): Error {
  return invalidRecord('Incorrect declared batch size, premature EOF reached');
}

function sizeMismatch(c: VarintCursor, bodyEnd: number): Error {
  return invalidRecord(`Invalid record size: record body ends at ${c.pos}, its length says ${bodyEnd}`);
}

/** Bytes `records` take once encoded (before compression). */
export function sizeOfRecords(records: readonly RecordToEncode[]): number {
  let total = 0;
  for (const r of records) {
    const body = sizeOfBody(r);
    total += sizeOfVarint(body) + body;
  }
  return total;
}

/** Encodes `records` into one new Buffer, back to back. */
export function encodeRecords(records: readonly RecordToEncode[]): Buffer {
  const out = Buffer.allocUnsafe(sizeOfRecords(records));
  let pos = 0;
  for (const r of records) pos = encodeOne(out, pos, r);
  return out;
}

function sizeOfBody(r: RecordToEncode): number {
  let n = 1 + sizeOfVarlong(r.timestampDelta) + sizeOfVarint(r.offsetDelta);
  n += sizeOfNullable(r.key) + sizeOfNullable(r.value) + sizeOfVarint(r.headers.length);
  for (const h of r.headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    n += sizeOfVarint(keyBytes) + keyBytes + sizeOfNullable(h.value);
  }
  return n;
}

function sizeOfNullable(b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

function encodeOne(out: Buffer, pos: number, r: RecordToEncode): number {
  pos = writeVarint(out, pos, sizeOfBody(r));
  out[pos++] = 0; // attributes: unused in v2
  pos = writeVarlong(out, pos, r.timestampDelta);
  pos = writeVarint(out, pos, r.offsetDelta);
  pos = writeNullable(out, pos, r.key);
  pos = writeNullable(out, pos, r.value);
  pos = writeVarint(out, pos, r.headers.length);
  for (const h of r.headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    pos = writeVarint(out, pos, keyBytes);
    pos += out.write(h.key, pos, keyBytes, 'utf8');
    pos = writeNullable(out, pos, h.value);
  }
  return pos;
}

function writeNullable(out: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, b.length);
  return pos + b.copy(out, pos);
}
