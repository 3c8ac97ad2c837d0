/**
 * The log's life seen by real clients (issue #5): retention by time and by size deletes old
 * segments and moves the log start offset; a reader from "earliest" starts there; DeleteRecords
 * (kafkajs fx.admin.deleteTopicRecords) moves it explicitly; a fetch below it gets OFFSET_OUT_OF_RANGE
 * and the client's auto.offset.reset decides where it goes (kcat / librdkafka); disk use stays
 * bounded by retention.bytes + one segment under a 10x overproduce.
 *
 * Retention is made to happen in seconds: log.retention.check.interval.ms=200,
 * log.segment.delete.delay.ms=0 and tiny segment.bytes.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertRanOk, clientProblem, runProcess, skipOrFail, uniqueTopic, waitFor } from './support/helpers.js';
import { errorTypes } from './support/kafkajs.js';
import { parseJsonLines } from './support/helpers.js';
import { anyReader, readWithPython } from './support/readers.js';
import { useKafkajsBroker } from './support/kafkajs-broker.js';

interface KcatRecord { offset: number; key: string | null; payload: string | null; ts: number }

/** kcat -C from an explicit offset with the given auto.offset.reset, until the end (-e). */
async function kcatFrom(bootstrap: string, topic: string, offset: number | 'beginning', reset: string): Promise<KcatRecord[]> {
  const r = await runProcess('kcat', [
    '-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', String(offset), '-e', '-J', '-q',
    '-X', `auto.offset.reset=${reset}`, '-X', 'fetch.wait.max.ms=100',
  ], { timeoutMs: 30_000 });
  assertRanOk(r);
  return parseJsonLines<KcatRecord>(r.stdout);
}

function partitionDiskBytes(logDir: string, topic: string): { logBytes: number; allBytes: number; segments: number } {
  const dir = join(logDir, `${topic}-0`);
  let logBytes = 0;
  let allBytes = 0;
  let segments = 0;
  for (const name of readdirSync(dir)) {
    let size: number;
    try {
      size = statSync(join(dir, name)).size;
    } catch {
      continue; // deleted by retention between readdir and stat
    }
    allBytes += size;
    if (name.endsWith('.log')) {
      logBytes += size;
      segments++;
    }
  }
  return { logBytes, allBytes, segments };
}

describe('log retention, log start offset and DeleteRecords (kafkajs, kcat, confluent-kafka-python)', function () {
  const fx = useKafkajsBroker('compat-log-retention', { overrides: { 'num.partitions': '1', 'log.retention.check.interval.ms': '200', 'log.segment.delete.delay.ms': '0' }, producer: { allowAutoTopicCreation: false } });

  async function produce(topic: string, count: number, opts: { from?: number; timestamp?: number; perSend?: number; valueBytes?: number } = {}): Promise<void> {
    const from = opts.from ?? 0;
    const perSend = opts.perSend ?? 10;
    for (let i = from; i < from + count; i += perSend) {
      const messages = [];
      for (let j = i; j < Math.min(i + perSend, from + count); j++) {
        messages.push({ key: `key-${j}`, value: `value-${j}`.padEnd(opts.valueBytes ?? 0, '.'), ...(opts.timestamp === undefined ? {} : { timestamp: String(opts.timestamp) }) });
      }
      await fx.producer.send({ topic, acks: -1, messages });
    }
  }

  async function offsets(topic: string): Promise<{ low: number; high: number }> {
    const o = await fx.admin.fetchTopicOffsets(topic);
    return { low: Number(o[0]!.low), high: Number(o[0]!.high) };
  }

  it('retention.ms deletes segments with old records; a reader from earliest starts at the new log start offset', async function () {
    this.timeout(60_000);
    const reader = anyReader();
    if (reader === undefined) skipOrFail(this, 'no group-less reader (kcat or a Python client) is available');
    const topic = uniqueTopic('ret-ms');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [
      { name: 'segment.bytes', value: '1024' }, { name: 'retention.ms', value: '60000' },
    ] }] });
    const old = Date.now() - 3_600_000;
    await produce(topic, 100, { timestamp: old });
    await produce(topic, 50, { from: 100 });
    // Retention runs every 200 ms and may take several passes: wait until the start offset settles.
    let previous = -1;
    const { low } = await waitFor('old segments to be deleted', async () => {
      const o = await offsets(topic);
      const settled = o.low > 0 && o.low === previous;
      previous = o.low;
      return settled ? o : undefined;
    }, 20_000, 700);
    assert.ok(low <= 100, `log start offset ${low} passed the first record that is not expired`);
    const records = await reader.read(fx.broker.bootstrap, topic);
    assert.equal(records[0]?.offset, low, `${reader.name} from earliest starts at the log start offset`);
    assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 150 - low }, (_, i) => low + i));
    assert.equal(records.at(-1)?.value, 'value-149');
  });

  it('DeleteRecords moves the start offset; a fetch below it is OFFSET_OUT_OF_RANGE and auto.offset.reset decides', async function () {
    this.timeout(60_000);
    const topic = uniqueTopic('del-rec');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '1024' }] }] });
    await produce(topic, 100);
    // kafkajs's deleteTopicRecords looks the leader up in the metadata it already has.
    await fx.admin.fetchTopicMetadata({ topics: [topic] });
    await fx.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '37' }] });
    assert.deepEqual(await offsets(topic), { low: 37, high: 100 });
    // Above the high watermark: OFFSET_OUT_OF_RANGE.
    let err: unknown;
    try {
      await fx.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '101' }] });
    } catch (e) {
      err = e;
    }
    type WithPartitions = { partitions?: { error?: unknown }[]; cause?: WithPartitions };
    const e = err as WithPartitions | undefined;
    const partitionErrors = [...(e?.partitions ?? []), ...(e?.cause?.partitions ?? [])].flatMap((p) => errorTypes(p.error));
    assert.ok(partitionErrors.includes('OFFSET_OUT_OF_RANGE'), `expected OFFSET_OUT_OF_RANGE, got ${String(err)} ${JSON.stringify(partitionErrors)}`);

    if (clientProblem('kcat') !== null) skipOrFail(this, `kcat is not usable: ${clientProblem('kcat')}`);
    const earliest = await kcatFrom(fx.broker.bootstrap, topic, 5, 'earliest');
    assert.equal(earliest[0]?.offset, 37, 'auto.offset.reset=earliest jumps to the log start offset');
    assert.equal(earliest.length, 63);
    const latest = await kcatFrom(fx.broker.bootstrap, topic, 5, 'latest');
    assert.equal(latest.length, 0, 'auto.offset.reset=latest jumps to the end');
    // -1 means "up to the high watermark" (kafkajs sends the offset as given).
    await fx.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
    assert.deepEqual(await offsets(topic), { low: 100, high: 100 });
    await produce(topic, 5, { from: 100 });
    const rest = await kcatFrom(fx.broker.bootstrap, topic, 'beginning', 'earliest');
    assert.deepEqual(rest.map((r) => r.offset), [100, 101, 102, 103, 104]);
  });

  it('confluent-kafka-python assign() from the beginning starts at the log start offset after DeleteRecords', async function () {
    this.timeout(60_000);
    if (clientProblem('confluent-kafka-python') !== null) skipOrFail(this, `confluent-kafka-python: ${clientProblem('confluent-kafka-python')}`);
    const topic = uniqueTopic('del-rec-py');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '2048' }] }] });
    await produce(topic, 60);
    await fx.admin.fetchTopicMetadata({ topics: [topic] });
    await fx.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '25' }] });
    const records = await readWithPython('confluent-kafka-python', fx.broker.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 35 }, (_, i) => 25 + i));
  });

  it('soak: producing 10x retention.bytes keeps the partition on disk within retention.bytes + one segment', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('soak');
    const retentionBytes = 40_000;
    const segmentBytes = 8_192;
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [
      { name: 'segment.bytes', value: String(segmentBytes) }, { name: 'retention.bytes', value: String(retentionBytes) },
    ] }] });
    let produced = 0;
    let n = 0;
    let maxSeen = 0;
    while (produced < 10 * retentionBytes) {
      await produce(topic, 20, { from: n, perSend: 20, valueBytes: 200 });
      await new Promise((r) => setTimeout(r, 10));
      n += 20;
      produced += 20 * 200;
      maxSeen = Math.max(maxSeen, partitionDiskBytes(fx.broker.logDir, topic).logBytes);
    }
    // After the next retention check (every 200 ms) the bound holds exactly.
    const disk = await waitFor('retention to catch up', () => {
      const d = partitionDiskBytes(fx.broker.logDir, topic);
      return d.logBytes <= retentionBytes + segmentBytes ? d : undefined;
    }, 10_000);
    assert.ok(disk.allBytes <= retentionBytes + segmentBytes + 4096 * disk.segments, `all files ${disk.allBytes} bytes`);
    const { low, high } = await offsets(topic);
    assert.equal(high, n);
    assert.ok(low > 0 && high - low < n / 5, `low ${low} high ${high}`);
    // Between checks the log runs ahead by what arrives in one check interval (as in Kafka), but
    // retention keeps pace during the run: the peak stays well below what was produced.
    assert.ok(maxSeen < produced / 2, `disk use peaked at ${maxSeen} of ${produced} produced`);
  });
});
