/**
 * Builder → validator → reader round trips for every codec, byte-for-byte rebuilds of real clients'
 * uncompressed batches, and ListOffsets-by-timestamp lookups.
 */
import assert from 'node:assert/strict';
import { CompressionType } from './batch-header.js';
import { findOffsetForTimestamp } from './find-offset-for-timestamp.js';
import { loadFrames, produceRecords } from '../../testing/client-frames.js';
import { buildRecordBatch, TimestampType, type RecordInput } from './record-batch-builder.js';
import { batchPositions, decodeRecordBatch, recordTimestamp } from './record-batch-reader.js';
import { validateRecordBatches } from './record-batch-validator.js';

const T0 = 1_700_000_000_000;
const RECORDS: RecordInput[] = [
  { key: 'a', value: 'first', timestamp: T0 + 5, headers: [{ key: 'trace', value: 'x1' }, { key: 'nil', value: null }] },
  { key: null, value: 'no key', timestamp: T0 },
  { key: 'tomb', value: null, timestamp: T0 + 20 },
  { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), timestamp: T0 + 10, headers: [{ key: 'ünï', value: '' }] },
];

describe('buildRecordBatch → validateRecordBatches → decodeRecordBatch', () => {
  for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    it(`round trips with compression ${compression}`, async () => {
      const batch = await buildRecordBatch({ baseOffset: 100, records: RECORDS, compression, producerId: 7n, producerEpoch: 2, baseSequence: 40 });
      const result = validateRecordBatches(batch, { maxMessageBytes: 1 << 20 });
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.deepEqual([result.recordCount, result.maxTimestamp, result.producerId, result.baseSequence], [4, T0 + 20, 7n, 40]);
      const { header, records } = await decodeRecordBatch(batch);
      assert.deepEqual([header.baseOffset, header.compression, header.baseTimestamp, header.lastOffsetDelta], [100, compression, T0 + 5, 3]);
      assert.deepEqual(
        records.map((r) => [r.offsetDelta, recordTimestamp(header, r), r.key?.toString('hex') ?? null, r.value?.length ?? null]),
        [
          [0, T0 + 5, '61', 5],
          [1, T0, null, 6],
          [2, T0 + 20, '746f6d62', null],
          [3, T0 + 10, '000102', 300],
        ],
      );
      assert.deepEqual(records[0]?.headers, [{ key: 'trace', value: Buffer.from('x1') }, { key: 'nil', value: null }]);
      assert.deepEqual(records[3]?.headers, [{ key: 'ünï', value: Buffer.alloc(0) }]);
    });
  }

  it('sets the attribute bits and defaults of Kafka', async () => {
    const batch = await buildRecordBatch({ baseOffset: 0, records: RECORDS.slice(0, 1), isTransactional: true, isControl: true, timestampType: TimestampType.LogAppendTime, logAppendTimeMs: T0 + 999 });
    const { header } = await decodeRecordBatch(batch);
    assert.deepEqual(
      [header.isTransactional, header.isControl, header.timestampType, header.maxTimestamp, header.producerId, header.producerEpoch, header.baseSequence, header.partitionLeaderEpoch],
      [true, true, 1, T0 + 999, -1n, -1, -1, -1],
    );
    assert.equal(validateRecordBatches(batch, { maxMessageBytes: 1 << 20, clientOrigin: false }).ok, true);
  });

  it('refuses an empty batch', async () => {
    await assert.rejects(buildRecordBatch({ baseOffset: 0, records: [] }), RangeError);
  });

  it('lists batch positions in a concatenation, ignoring a torn tail', async () => {
    const a = await buildRecordBatch({ baseOffset: 0, records: RECORDS });
    const b = await buildRecordBatch({ baseOffset: 4, records: RECORDS.slice(0, 2), compression: CompressionType.Lz4 });
    assert.deepEqual(batchPositions(Buffer.concat([a, b, a.subarray(0, 20)])), [0, a.length]);
  });
});

describe('buildRecordBatch: byte-identical rebuilds of real uncompressed client batches', () => {
  const files = ['kafkajs.jsonl', 'kafka-python.jsonl', 'kcat.jsonl', 'confluent-kafka-javascript.jsonl', 'platformatic-kafka.jsonl'];
  for (const file of files) {
    it(file, async () => {
      const frames = loadFrames(file).filter((f) => f.dir === 'req' && f.apiKey === 0);
      let rebuilt = 0;
      for (const frame of frames) {
        for (const { records: original } of produceRecords(frame)) {
          const { header, records } = await decodeRecordBatch(original);
          if (header.compression !== CompressionType.None) continue;
          const copy = await buildRecordBatch({
            baseOffset: header.baseOffset,
            partitionLeaderEpoch: header.partitionLeaderEpoch,
            producerId: header.producerId,
            producerEpoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            isTransactional: header.isTransactional,
            records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: recordTimestamp(header, r) })),
          });
          assert.equal(copy.toString('hex'), original.toString('hex'), `${frame.client} ${frame.step}`);
          rebuilt++;
        }
      }
      assert.ok(rebuilt > 0);
    });
  }
});

describe('findOffsetForTimestamp', () => {
  it('finds the first record at or after the target, by record order (not timestamp order)', async () => {
    for (const compression of [CompressionType.None, CompressionType.Zstd]) {
      const batch = await buildRecordBatch({ baseOffset: 50, records: RECORDS, compression });
      assert.deepEqual(await findOffsetForTimestamp(batch, T0), { offset: 50, timestamp: T0 + 5 });
      assert.deepEqual(await findOffsetForTimestamp(batch, T0 + 6), { offset: 52, timestamp: T0 + 20 });
      assert.deepEqual(await findOffsetForTimestamp(batch, T0 + 20), { offset: 52, timestamp: T0 + 20 });
      assert.equal(await findOffsetForTimestamp(batch, T0 + 21), null);
    }
  });

  it('answers a LogAppendTime batch with its first record and maxTimestamp', async () => {
    const batch = await buildRecordBatch({ baseOffset: 9, records: RECORDS, timestampType: TimestampType.LogAppendTime, logAppendTimeMs: T0 + 500 });
    assert.deepEqual(await findOffsetForTimestamp(batch, T0 + 400), { offset: 9, timestamp: T0 + 500 });
    assert.equal(await findOffsetForTimestamp(batch, T0 + 501), null);
  });

  it('works on a real client batch', async () => {
    const frame = loadFrames('codecs.jsonl').find((f) => f.dir === 'req' && f.codec === 'zstd');
    assert.ok(frame);
    const [partition] = produceRecords(frame);
    assert.ok(partition);
    const { header } = await decodeRecordBatch(partition.records);
    assert.deepEqual(await findOffsetForTimestamp(partition.records, header.baseTimestamp), { offset: 0, timestamp: header.baseTimestamp });
  });
});
