/**
 * The one entry point for batch compression: `attributes & 7` → codec. Each codec reads every
 * framing real clients send (see the codec files) and writes the framing all clients read.
 *
 * Errors: a corrupt or unsupported stream rejects with a CompressionError; callers that answer a
 * client map it to CORRUPT_MESSAGE (Kafka's broker does the same when decompression fails).
 */
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { CompressionType } from './batch-header.js';

// The native/wasm codecs load on first use: the produce and fetch paths never decompress
// (DESIGN.md), and loading them costs ~60 ms of every broker's cold start.
const lz4 = (): Promise<typeof import('./lz4-codec.js')> => import('./lz4-codec.js');
const snappy = (): Promise<typeof import('./snappy-codec.js')> => import('./snappy-codec.js');
const zstd = (): Promise<typeof import('./zstd-codec.js')> => import('./zstd-codec.js');

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);
const ASYNC_THRESHOLD_BYTES = 64 * 1024;

export class CompressionError extends Error {
  override readonly name = 'CompressionError';
  constructor(
    readonly compression: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Decompresses the records section of a batch compressed with `type` (attributes & 7). */
export async function decompress(type: number, data: Buffer): Promise<Buffer> {
  try {
    switch (type) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        // gunzip reads concatenated members too, as Java's GZIPInputStream does.
        return data.length < ASYNC_THRESHOLD_BYTES ? gunzipSync(data) : await gunzipAsync(data);
      case CompressionType.Snappy:
        return await (await snappy()).snappyDecompress(data);
      case CompressionType.Lz4:
        return await (await lz4()).lz4Decompress(data);
      case CompressionType.Zstd:
        return await (await zstd()).zstdDecompress(data);
    }
  } catch (err) {
    throw new CompressionError(type, `${codecName(type)} decompression failed: ${describe(err)}`, { cause: err });
  }
  throw new CompressionError(type, `unknown compression type ${type}`);
}

/** Compresses a batch's records section with `type`. */
export async function compress(type: number, data: Buffer): Promise<Buffer> {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return data.length < ASYNC_THRESHOLD_BYTES ? gzipSync(data) : await gzipAsync(data);
    case CompressionType.Snappy:
      return (await snappy()).snappyCompress(data);
    case CompressionType.Lz4:
      return (await lz4()).lz4Compress(data);
    case CompressionType.Zstd:
      return (await zstd()).zstdCompress(data);
  }
  throw new CompressionError(type, `unknown compression type ${type}`);
}

export function codecName(type: number): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][type] ?? `unknown(${type})`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
