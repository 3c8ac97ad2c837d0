/**
 * Zstandard for record batches, over @bokuweb/zstd-wasm (no native build; DESIGN.md).
 *
 * That package only exposes one-shot ZSTD_decompress and sizes its output buffer from the frame's
 * content size, falling back to a fixed 1 MiB guess when the size is absent. librdkafka writes
 * streaming frames with no content size (FHD 0x00, client-frames/README.md), and a batch may hold
 * several frames. So we walk the frames ourselves: for each one we compute an upper bound of its
 * decompressed size from its block headers (raw and RLE blocks state their size; a compressed block
 * regenerates at most min(window, 128 KiB)) and decompress frame by frame with that bound. Skippable
 * frames are skipped. The walk reads headers only, so it costs nothing next to decompression.
 */
import { init, compress as zstdCompressRaw, decompress as zstdDecompressRaw } from '@bokuweb/zstd-wasm';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;
const BLOCK_TYPE_RAW = 0;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_COMPRESSED = 2;
/** Kafka's default compression.zstd.level. */
const DEFAULT_LEVEL = 3;

let ready: Promise<void> | undefined;

/** Loads the wasm module once; every entry point awaits it. */
export function zstdReady(): Promise<void> {
  ready ??= init();
  return ready;
}

/** One frame's place in the input and the most bytes it can decompress to. */
interface FrameSpan {
  start: number;
  end: number;
  maxOutput: number;
}

export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  await zstdReady();
  const spans = scanFrames(data);
  const parts = spans.map((s) => decompressFrame(data.subarray(s.start, s.end), s.maxOutput));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

export async function zstdCompress(data: Buffer, level = DEFAULT_LEVEL): Promise<Buffer> {
  await zstdReady();
  const out = zstdCompressRaw(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function decompressFrame(frame: Buffer, maxOutput: number): Buffer {
  // defaultHeapSize is used only when the frame has no content size; +1 keeps malloc(0) away.
  const out = zstdDecompressRaw(frame, { defaultHeapSize: maxOutput + 1 });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Splits `data` into zstd frames (skipping skippable frames); throws on a malformed header. */
export function scanFrames(data: Buffer): FrameSpan[] {
  const spans: FrameSpan[] = [];
  let pos = 0;
  while (pos < data.length) {
    need(data, pos, 8);
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new Error(`zstd: bad frame magic 0x${magic.toString(16)} at ${pos}`);
    const span = scanFrame(data, pos);
    spans.push(span);
    pos = span.end;
  }
  if (pos > data.length) throw new Error('zstd: skippable frame overruns the input');
  if (spans.length === 0) throw new Error('zstd: no frame in input');
  return spans;
}

function scanFrame(data: Buffer, start: number): FrameSpan {
  let pos = start + 4;
  const fhd = data[pos++] as number;
  const fcsFlag = fhd >>> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const hasChecksum = (fhd & 0x04) !== 0;
  const dictIdBytes = [0, 1, 2, 4][fhd & 0x03] as number;
  if ((fhd & 0x08) !== 0) throw new Error('zstd: reserved frame header bit set');
  let windowSize = 0;
  if (!singleSegment) windowSize = windowSizeOf(data[pos++] as number);
  pos += dictIdBytes;
  const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
  need(data, pos, fcsBytes);
  const contentSize = fcsBytes === 0 ? -1 : readFcs(data, pos, fcsBytes);
  pos += fcsBytes;
  if (singleSegment) windowSize = contentSize;
  const blockBound = Math.min(windowSize, BLOCK_SIZE_MAX);
  let bound = 0;
  for (let last = false; !last; ) {
    need(data, pos, 3);
    const header = data.readUIntLE(pos, 3);
    pos += 3;
    last = (header & 1) === 1;
    const type = (header >>> 1) & 3;
    const size = header >>> 3;
    if (type === BLOCK_TYPE_RAW) bound += size;
    else if (type === BLOCK_TYPE_RLE) bound += size;
    else if (type === BLOCK_TYPE_COMPRESSED) bound += blockBound;
    else throw new Error('zstd: reserved block type');
    pos += type === BLOCK_TYPE_RLE ? 1 : size;
  }
  if (hasChecksum) pos += 4;
  if (pos > data.length) throw new Error('zstd: truncated frame');
  return { start, end: pos, maxOutput: contentSize >= 0 ? contentSize : bound };
}

/** Window_Descriptor: exponent in the top 5 bits, mantissa in eighths of the base. */
function windowSizeOf(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >>> 3));
  return base + (base / 8) * (descriptor & 7);
}

function readFcs(data: Buffer, pos: number, bytes: number): number {
  if (bytes === 1) return data[pos] as number;
  if (bytes === 2) return data.readUInt16LE(pos) + 256;
  if (bytes === 4) return data.readUInt32LE(pos);
  return Number(data.readBigUInt64LE(pos));
}

function need(data: Buffer, pos: number, n: number): void {
  if (pos + n > data.length) throw new Error(`zstd: truncated frame header at ${pos}`);
}
