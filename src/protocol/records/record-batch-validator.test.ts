/**
 * The produce-path validator against real clients' batches (every Produce frame in
 * shared/client-frames) and against each way a batch can be wrong, with Kafka's error codes.
 */
import assert from 'node:assert/strict';
import { ErrorCode } from '../generated/error-codes.js';
import { writeBatchCrc } from './batch-crc.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionType,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
} from './batch-header.js';
import { loadFrames, produceRecords } from '../../testing/client-frames.js';
import { buildRecordBatch } from './record-batch-builder.js';
import { validateRecordBatches, type ValidateOptions, type ValidationResult } from './record-batch-validator.js';

const FILES = [
  'codecs.jsonl',
  'confluent-kafka-javascript.jsonl',
  'confluent-kafka-python.jsonl',
  'kafka-python.jsonl',
  'kafkajs.jsonl',
  'kcat-librdkafka-2.15.jsonl',
  'kcat.jsonl',
  'platformatic-kafka.jsonl',
];
const OPTS: ValidateOptions = { maxMessageBytes: 1_048_588 };

function errorOf(result: ValidationResult): number {
  return result.ok ? ErrorCode.NONE : result.errorCode;
}

async function sampleBatch(compression = CompressionType.None, count = 3): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    value: `value number ${i}`,
    headers: [{ key: 'h', value: 'v' }],
    timestamp: 1_700_000_000_000 + i,
  }));
  return buildRecordBatch({ baseOffset: 0, records, compression });
}

/** Applies `edit` and recomputes the CRC, so the check under test is the one that fails. */
function patched(batch: Buffer, edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  writeBatchCrc(copy, 0, copy.length);
  return copy;
}

describe('validateRecordBatches: real client batches', () => {
  for (const file of FILES) {
    const frames = loadFrames(file).filter((f) => f.dir === 'req' && f.apiKey === 0);
    it(`${file}: all ${frames.length} Produce frames validate`, () => {
      assert.ok(frames.length > 0);
      for (const frame of frames) {
        for (const { records } of produceRecords(frame)) {
          const result = validateRecordBatches(records, { ...OPTS, produceVersion: frame.apiVersion });
          assert.ok(result.ok, `${frame.client} ${frame.step}: ${result.ok ? '' : result.message}`);
          assert.equal(result.batchCount, 1);
          assert.equal(result.validBytes, records.length);
          assert.equal(result.offsetCount, result.recordCount);
        }
      }
    });
  }

  it('reports producer fields of an idempotent batch', () => {
    const frame = loadFrames('kafkajs.jsonl').find((f) => f.dir === 'req' && f.step === 'produce-idempotent' && f.apiKey === 0);
    assert.ok(frame);
    const [partition] = produceRecords(frame);
    assert.ok(partition);
    const result = validateRecordBatches(partition.records, OPTS);
    assert.ok(result.ok);
    assert.ok(result.producerId >= 0n);
    assert.equal(result.baseSequence, 0);
    assert.equal(result.recordCount, 5);
  });
});

describe('validateRecordBatches: rejects what Kafka rejects', () => {
  let batch: Buffer;
  before(async () => {
    batch = await sampleBatch();
  });

  it('accepts our own batch and reports its shape', () => {
    const result = validateRecordBatches(batch, OPTS);
    assert.ok(result.ok);
    assert.deepEqual(
      [result.batchCount, result.recordCount, result.maxTimestamp, result.firstTimestamp, result.lastOffsetDelta],
      [1, 3, 1_700_000_000_002, 1_700_000_000_000, 2],
    );
  });

  it('a flipped byte anywhere under the CRC → CORRUPT_MESSAGE', () => {
    for (const at of [ATTRIBUTES_OFFSET + 1, RECORDS_COUNT_OFFSET + 3, RECORD_BATCH_OVERHEAD + 5, batch.length - 1]) {
      const bad = Buffer.from(batch);
      bad[at] = (bad[at] as number) ^ 0x01;
      assert.equal(errorOf(validateRecordBatches(bad, OPTS)), ErrorCode.CORRUPT_MESSAGE, `byte ${at}`);
    }
  });

  it('baseOffset and partitionLeaderEpoch are outside the CRC', () => {
    const shifted = Buffer.from(batch);
    shifted.writeInt32BE(7, 12);
    shifted[7] = 9;
    assert.ok(validateRecordBatches(shifted, OPTS).ok);
  });

  it('empty records → INVALID_RECORD; a lone truncated batch → INVALID_RECORD (no complete batch)', () => {
    assert.equal(errorOf(validateRecordBatches(Buffer.alloc(0), OPTS)), ErrorCode.INVALID_RECORD);
    assert.equal(errorOf(validateRecordBatches(batch.subarray(0, batch.length - 1), OPTS)), ErrorCode.INVALID_RECORD);
    assert.equal(errorOf(validateRecordBatches(batch.subarray(0, 10), OPTS)), ErrorCode.INVALID_RECORD);
  });

  it('a complete batch followed by a partial one → CORRUPT_MESSAGE, or trimmed on request', () => {
    const torn = Buffer.concat([batch, batch.subarray(0, 30)]);
    assert.equal(errorOf(validateRecordBatches(torn, OPTS)), ErrorCode.CORRUPT_MESSAGE);
    const trimmed = validateRecordBatches(torn, { ...OPTS, trimTrailingPartial: true });
    assert.ok(trimmed.ok);
    assert.equal(trimmed.validBytes, batch.length);
  });

  it('batchLength below 14 or magic above 2 → CORRUPT_MESSAGE; below the v2 overhead → CORRUPT_MESSAGE', () => {
    const tiny = Buffer.from(batch);
    tiny.writeInt32BE(13, BATCH_LENGTH_OFFSET);
    assert.equal(errorOf(validateRecordBatches(tiny, OPTS)), ErrorCode.CORRUPT_MESSAGE);
    const magic3 = Buffer.from(batch);
    magic3[MAGIC_OFFSET] = 3;
    assert.equal(errorOf(validateRecordBatches(magic3, OPTS)), ErrorCode.CORRUPT_MESSAGE);
    const short = Buffer.from(batch.subarray(0, 40)); // a copy: subarray would share batch's bytes
    short.writeInt32BE(28, BATCH_LENGTH_OFFSET);
    assert.equal(errorOf(validateRecordBatches(short, OPTS)), ErrorCode.CORRUPT_MESSAGE);
  });

  it('magic 0 and 1 → INVALID_RECORD, as Kafka 4 ProduceRequest.validateRecords', () => {
    for (const magic of [0, 1]) {
      const old = Buffer.from(batch);
      old[MAGIC_OFFSET] = magic;
      assert.equal(errorOf(validateRecordBatches(old, OPTS)), ErrorCode.INVALID_RECORD, `magic ${magic}`);
    }
  });

  it('batch over max.message.bytes → MESSAGE_TOO_LARGE', () => {
    assert.equal(errorOf(validateRecordBatches(batch, { maxMessageBytes: batch.length - 1 })), ErrorCode.MESSAGE_TOO_LARGE);
    assert.ok(validateRecordBatches(batch, { maxMessageBytes: batch.length }).ok);
  });

  it('two batches → INVALID_RECORD for Produce; accepted with singleBatch: false', () => {
    const two = Buffer.concat([batch, batch]);
    assert.equal(errorOf(validateRecordBatches(two, OPTS)), ErrorCode.INVALID_RECORD);
    const result = validateRecordBatches(two, { ...OPTS, singleBatch: false });
    assert.ok(result.ok);
    assert.deepEqual([result.batchCount, result.recordCount, result.offsetCount], [2, 6, 6]);
  });

  it('recordsCount and lastOffsetDelta must agree and be positive → INVALID_RECORD', () => {
    const cases = [
      patched(batch, (b) => b.writeInt32BE(5, LAST_OFFSET_DELTA_OFFSET)),
      patched(batch, (b) => b.writeInt32BE(-1, LAST_OFFSET_DELTA_OFFSET)),
      patched(batch, (b) => b.writeInt32BE(0, RECORDS_COUNT_OFFSET)),
    ];
    for (const bad of cases) assert.equal(errorOf(validateRecordBatches(bad, OPTS)), ErrorCode.INVALID_RECORD);
  });

  it('control batch from a client → INVALID_RECORD; allowed for internal appends', () => {
    const control = patched(batch, (b) => b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_FLAG_MASK, ATTRIBUTES_OFFSET));
    assert.equal(errorOf(validateRecordBatches(control, OPTS)), ErrorCode.INVALID_RECORD);
    assert.ok(validateRecordBatches(control, { ...OPTS, clientOrigin: false }).ok);
  });

  it('producerId without a sequence → INVALID_RECORD', () => {
    const bad = patched(batch, (b) => {
      b.writeBigInt64BE(42n, PRODUCER_ID_OFFSET);
      b.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
    });
    assert.equal(errorOf(validateRecordBatches(bad, OPTS)), ErrorCode.INVALID_RECORD);
  });

  it('uncompressed record framing that disagrees with recordsCount → INVALID_RECORD', () => {
    const fewer = patched(batch, (b) => {
      b.writeInt32BE(1, LAST_OFFSET_DELTA_OFFSET);
      b.writeInt32BE(2, RECORDS_COUNT_OFFSET);
    });
    assert.equal(errorOf(validateRecordBatches(fewer, OPTS)), ErrorCode.INVALID_RECORD);
    const badLength = patched(batch, (b) => {
      b[RECORD_BATCH_OVERHEAD] = 0x7e; // first record's length varint: 63, past its real end
    });
    assert.equal(errorOf(validateRecordBatches(badLength, OPTS)), ErrorCode.INVALID_RECORD);
  });

  it('zstd needs Produce v7+ → UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const zstd = await sampleBatch(CompressionType.Zstd);
    assert.equal(errorOf(validateRecordBatches(zstd, { ...OPTS, produceVersion: 6 })), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    assert.ok(validateRecordBatches(zstd, { ...OPTS, produceVersion: 7 }).ok);
  });

  it('compressed batches are not opened: a corrupt payload under a valid CRC passes', async () => {
    const gzip = await sampleBatch(CompressionType.Gzip);
    const garbage = patched(gzip, (b) => b.fill(0x55, RECORD_BATCH_OVERHEAD + 10));
    assert.ok(validateRecordBatches(garbage, OPTS).ok);
  });
});
