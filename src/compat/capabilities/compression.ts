/**
 * One row per compression codec: a client writes compressed batches, and what is read back
 * (decompressed by a client, never by us) is exactly what was written, in order per partition.
 */
import assert from 'node:assert/strict';
import type { Message } from 'kafkajs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type Capability, type CompatEnv } from '../capability.js';
import { readBack, sumHigh } from '../checks.js';
import type { KafkaCliHandle } from '../clients/kafka-cli.js';
import type { KafkajsHandle } from '../clients/kafkajs.js';
import type { KcatHandle } from '../clients/kcat.js';
import type { PythonHandle } from '../clients/python.js';
import { consoleProduce, consumeAll, endOffsetSum } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk, parseJsonLines } from '../process.js';
import { assertAllInOrder, assertSameAsDelivered, byPartition } from '../records.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CODECS)[number];

/** kafkajs: 10,000 keyed messages with headers to 3 partitions, acks=all; read back by another client. */
async function kafkajsCell(env: CompatEnv, kjs: KafkajsHandle, codec: 'none' | 'gzip'): Promise<void> {
  const N = 10_000;
  const BATCH = 500;
  const s = kjs.session(env);
  const admin = await s.admin();
  const topic = await env.createTopic(`kjs-${codec}`, { partitions: 3 });
  const p = await s.producer();
  const compression = codec === 'gzip' ? kjs.kafkajs.CompressionTypes.GZIP : kjs.kafkajs.CompressionTypes.None;
  let acked = 0;
  for (let start = 0; start < N; start += BATCH) {
    const messages: Message[] = [];
    for (let i = start; i < start + BATCH; i++) {
      messages.push({ key: `key-${i}`, value: `value-${i}`, headers: { idx: String(i), src: 'kafkajs' } });
    }
    const res = await p.send({ topic, acks: -1, compression, messages });
    for (const r of res) assert.equal(r.errorCode, 0);
    acked += messages.length;
  }
  assert.equal(acked, N);

  const offsets = await admin.fetchTopicOffsets(topic);
  assert.equal(offsets.length, 3);
  assert.equal(sumHigh(offsets), N, `high watermarks ${JSON.stringify(offsets)} must sum to ${N}`);
  for (const o of offsets) {
    assert.equal(o.low, '0');
    assert.ok(Number(o.high) > 0, `partition ${o.partition} got no message: ${JSON.stringify(offsets)}`);
  }

  const { reader, records } = await readBack(env, 'kafkajs', topic, N, 120_000);
  assert.equal(records.length, N, `${reader} read ${records.length} records, expected ${N}`);
  const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafkajs']] }));
  for (const [partition, list] of parts) {
    const high = offsets.find((o) => o.partition === partition);
    assert.equal(list.length, Number(high?.high), `partition ${partition}: records read vs high watermark`);
  }
}

/** kcat -P -z <codec> -K with a header, 3,000 messages; kcat -C -e reads them back; then a read from the middle of a batch. */
async function kcatCell(env: CompatEnv, kcat: KcatHandle, codec: Codec): Promise<void> {
  const N = 3000;
  const topic = await env.createTopic(`kcat-${codec}`, { partitions: 3 });
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(`key-${i}:value-${i}-${'p'.repeat(i % 37)}`);
  const produce = await kcat.run(env, [
    '-b', env.bootstrap, '-P', '-t', topic, '-z', codec, '-K', ':', '-H', `codec=${codec}`,
    // One request in flight: a retried batch (a broker busy or still loading the partition) cannot
    // overtake the next one, so send order is read order without an idempotent producer.
    '-X', 'linger.ms=20', '-X', 'batch.num.messages=500', '-X', 'max.in.flight=1',
  ], { input: lines.join('\n') + '\n', timeoutMs: 60_000 });
  assertRanOk(produce);
  assert.doesNotMatch(produce.stderr, /fail|error/i, `kcat -P reported: ${produce.stderr}`);

  const records = await kcat.readAll(env, topic);
  const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}-${'p'.repeat(i % 37)}`, headers: [['codec', codec]] }));
  assert.ok(parts.size >= 2, `keys should spread over partitions, got ${[...parts.keys()].join(',')}`);

  // Starting in the middle of a (compressed) batch: exactly offsets 7..11 of partition 0.
  const p0 = parts.get(0) ?? [];
  if (p0.length >= 12) {
    const mid = await kcat.run(env, ['-b', env.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '7', '-c', '5', '-e', '-J', '-q'], { timeoutMs: 30_000 });
    assertRanOk(mid);
    const got = parseJsonLines<{ offset: number; key: string }>(mid.stdout);
    assert.deepEqual(got.map((g) => [g.offset, g.key]), p0.slice(7, 12).map((r) => [r.offset, r.key]));
  }
}

/** A Python client writes N with keys, headers and timestamps; the same client reads them back. */
async function pythonCell(env: CompatEnv, py: DriverHandle, codec: Codec): Promise<void> {
  const codecs = await py.codecs(env);
  if (codecs[codec] !== true) {
    throw new NotRunError(`${py.client} has no ${codec} codec here (python3-${codec === 'zstd' ? 'zstandard' : codec} not installed)`);
  }
  const baseTs = Date.now() - 2 * 3600_000;
  const N = py.client === 'kafka-python' && codec === 'none' ? 2000 : 500;
  const topic = await env.createTopic(`py-${codec}`, { partitions: py.client === 'kafka-python' ? 3 : 2 });
  const delivered = await py.produce(env, { topic, count: N, base_ts: baseTs, compression: codec });
  assert.equal(delivered.length, N);
  const records = await py.readAll(env, topic, N, 90_000);
  assertSameAsDelivered(records, delivered, { src: py.srcTag, baseTs });
  assert.ok(byPartition(records).size >= 2, 'keys spread over several partitions');
}

/**
 * kafka-console-producer --compression-codec <codec>, 2,000 keyed records with headers (parse.key,
 * parse.headers) to 3 partitions; kafka-console-consumer in a group prints them back.
 */
async function kafkaCliCell(env: CompatEnv, cli: KafkaCliHandle, codec: Codec): Promise<void> {
  const N = 2000;
  const topic = await env.createTopic(`cli-${codec}`, { partitions: 3 });
  const value = (i: number): string => `value-${i}-${'p'.repeat(i % 37)}`;
  const lines = Array.from({ length: N }, (_, i) => `idx:${i},codec:${codec}\tkey-${i}:${value(i)}`);
  await consoleProduce(env, cli, topic, lines, { headers: true, extra: ['--compression-codec', codec] });
  const records = await consumeAll(env, cli, topic, N);
  const parts = assertAllInOrder(records, N, (i) => ({ value: value(i), headers: [['idx', String(i)], ['codec', codec]] }));
  assert.ok(parts.size >= 2, `keys should spread over partitions, got ${[...parts.keys()].join(',')}`);
  assert.equal(await endOffsetSum(env, cli, topic), N, 'kafka-get-offsets --time -1: nothing beyond the records read');
}

function row(codec: Codec, order: number): Capability {
  return defineCapability({
    id: `compression-${codec}`,
    title: codec === 'none' ? 'produce and fetch, no compression' : `compression: ${codec}`,
    order,
    // zstd needs Produce v7 / Fetch v10 (KIP-110).
    requires: codec === 'zstd'
      ? [{ api: ApiKey.Produce, minVersion: 7 }, { api: ApiKey.Fetch, minVersion: 10 }]
      : [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
    timeoutMs: 150_000,
    cells: {
      kafkajs: codec === 'none' || codec === 'gzip'
        ? (env, kjs) => kafkajsCell(env, kjs, codec)
        : { notApplicable: `kafkajs has only gzip built in (${codec} needs a codec package)` },
      kcat: (env, kcat) => kcatCell(env, kcat, codec),
      'confluent-kafka-python': (env, py) => pythonCell(env, py, codec),
      'kafka-python': (env, py) => pythonCell(env, py, codec),
      'kafka-cli': (env, cli) => kafkaCliCell(env, cli, codec),
      java: (env, j) => pythonCell(env, j, codec),
      'franz-go': (env, fgo) => pythonCell(env, fgo, codec),
      'confluent-kafka-python-2': (env, py) => pythonCell(env, py, codec),
    },
  });
}

export default CODECS.map((c, i) => row(c, 30 + i));
