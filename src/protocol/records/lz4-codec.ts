/**
 * LZ4 for record batches: Kafka uses the standard LZ4 *frame* format (magic 04 22 4D 18) since
 * magic v1 fixed the header checksum (KIP-57). lz4-napi (lz4_flex underneath) reads every frame
 * descriptor clients send (client-frames/README.md): FLG 0x60 (librdkafka, platformatic), 0x68 with
 * content size (kafka-python), 0x64 with content checksum and BD 0x70 4 MB blocks (kafkajs); checked
 * by codecs.test.ts on the captured batches. Like Kafka's KafkaLZ4BlockInputStream, only the first
 * frame is read.
 *
 * We write FLG 0x60 / independent blocks, the same as librdkafka: Java's reader decodes each block
 * on its own and so cannot read linked blocks.
 */
import lz4 from 'lz4-napi';

const LZ4_FRAME_MAGIC = 0x184d2204;
const ASYNC_THRESHOLD_BYTES = 64 * 1024;

export async function lz4Decompress(data: Buffer): Promise<Buffer> {
  // Checked here so a non-frame input gets a clear message rather than lz4_flex's.
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) {
    throw new Error('lz4: not an LZ4 frame (bad magic)');
  }
  if (data.length < ASYNC_THRESHOLD_BYTES) return lz4.decompressFrameSync(data);
  return lz4.decompressFrame(data);
}

export async function lz4Compress(data: Buffer): Promise<Buffer> {
  if (data.length < ASYNC_THRESHOLD_BYTES) return lz4.compressFrameSync(data);
  return lz4.compressFrame(data);
}
