/**
 * Retention seen by clients: by time (retention.ms), segments whose newest record is older are
 * deleted and the log start offset moves; a reader from "earliest" starts there. By size
 * (retention.bytes): producing ten times retention.bytes keeps the partition within retention.bytes
 * plus one segment (on disk, when the run knows the broker's log dir) and moves the start offset
 * along. Retention runs every log.retention.check.interval.ms: 200 ms on the broker the run starts
 * (Kafka's default is 5 minutes), so both rows need that broker.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CellFn } from '../capability.js';
import { readBack } from '../checks.js';
import { BIG_VALUE_BYTES, MIN_SEGMENT_BYTES, partition0, produceRange } from '../log-steps.js';
import { sleep, waitFor } from '../wait.js';

const KNOB = 'log.retention.check.interval.ms=200 runs retention within seconds';

/**
 * The partition's .log bytes, and the disk its files take: allocated blocks, not file sizes, since
 * Kafka preallocates the active segment's index files (segment.index.bytes, 10 MiB) as sparse files.
 */
function partitionDiskBytes(logDir: string, topic: string): { logBytes: number; allBytes: number; segments: number } {
  const dir = join(logDir, `${topic}-0`);
  let logBytes = 0;
  let allBytes = 0;
  let segments = 0;
  for (const name of readdirSync(dir)) {
    let size: number;
    try {
      const st = statSync(join(dir, name));
      size = st.size;
      allBytes += st.blocks * 512;
    } catch {
      continue; // deleted by retention between readdir and stat
    }
    if (name.endsWith('.log')) {
      logBytes += size;
      segments++;
    }
  }
  return { logBytes, allBytes, segments };
}

/** retention-time: records older than retention.ms, then fresh ones. */
const OLD = 30;
const NEW = 15;

/** The Java client: old records expire by retention.ms; a consumer from earliest starts at the new log start offset. */
const retentionTimeJava: CellFn<'java'> = async (env, j) => {
  // Kafka 4.x refuses segment.bytes below 1 MiB: 100 records of 11 KB an hour old fill more than the
  // first segment, then 50 fresh ones follow.
  const topic = await env.createTopic('ret-ms', { partitions: 1, configs: { 'segment.bytes': String(1 << 20), 'retention.ms': '60000' } });
  await j.produce(env, { topic, count: 100, partitions: 1, base_ts: Date.now() - 3_600_000, value_bytes: 11_000 });
  await j.produce(env, { topic, count: 50, start: 100, partitions: 1 });
  let previous = -1;
  const { low } = await waitFor('old segments to be deleted', async () => {
    const o = (await j.offsets(env, topic))[0] ?? { low: 0, high: 0 };
    const settled = o.low > 0 && o.low === previous;
    previous = o.low;
    return settled ? o : undefined;
  }, env.remainingMs(30_000), 700);
  assert.ok(low <= 100, `log start offset ${low} passed the first record that is not expired`);
  const records = await j.readAll(env, topic, 0);
  assert.equal(records[0]?.offset, low, 'the Java consumer from earliest starts at the log start offset');
  assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 150 - low }, (_, i) => low + i));
  assert.equal(records.at(-1)?.value, 'value-149');
};

const retentionTime = defineCapability({
  id: 'retention-time',
  title: 'retention.ms: old segments deleted; a reader from earliest starts at the new log start offset',
  order: 300,
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.ListOffsets, minVersion: 1 }, { api: ApiKey.Produce, minVersion: 3 }],
  needsControlledBroker: KNOB,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('ret-ms', { partitions: 1, configs: { 'segment.bytes': String(MIN_SEGMENT_BYTES), 'retention.ms': '60000' } });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const old = Date.now() - 3_600_000;
      // BIG_VALUE_BYTES values: the old records fill about three segments, the new ones one or two.
      const big = { perSend: 2, valueBytes: BIG_VALUE_BYTES };
      await produceRange(producer, topic, OLD, { ...big, timestamp: old });
      await produceRange(producer, topic, NEW, { ...big, from: OLD });
      // Retention runs every 200 ms and may take several passes: wait until the start offset settles.
      let previous = -1;
      const { low } = await waitFor('old segments to be deleted', async () => {
        const o = await partition0(admin, topic);
        const settled = o.low > 0 && o.low === previous;
        previous = o.low;
        return settled ? o : undefined;
      }, env.remainingMs(20_000), 700);
      assert.ok(low <= OLD, `log start offset ${low} passed the first record that is not expired`);
      const { reader, records } = await readBack(env, 'kafkajs', topic, 0);
      assert.equal(records[0]?.offset, low, `${reader} from earliest starts at the log start offset`);
      assert.deepEqual(records.map((r) => r.offset), Array.from({ length: OLD + NEW - low }, (_, i) => low + i));
      assert.equal(records.at(-1)?.value?.replace(/\.+$/, ''), `value-${OLD + NEW - 1}`);
    },
    java: retentionTimeJava,
  },
});

/**
 * The Java client: 10x retention.bytes produced in a steady stream (1 MiB segments, Kafka 4.x's
 * minimum), the .log files sampled meanwhile. Only the .log bytes are bounded: Kafka preallocates
 * each active segment's index files (segment.index.bytes, 10 MiB).
 */
const retentionSizeJava: CellFn<'java'> = async (env, j) => {
  const segmentBytes = 1 << 20;
  const retentionBytes = 2 * segmentBytes;
  const valueBytes = 10_000;
  const n = Math.ceil((10 * retentionBytes) / valueBytes);
  const topic = await env.createTopic('soak', { partitions: 1, configs: { 'segment.bytes': String(segmentBytes), 'retention.bytes': String(retentionBytes) } });
  const producer = j.spawn(env, 'produce', { topic, count: n, partitions: 1, value_bytes: valueBytes, chunk: 50, pause_ms: 50, timeout_s: Math.floor(env.remainingMs(60_000) / 1000) });
  const logDir = env.controlled?.logDir;
  let maxSeen = 0;
  while (!producer.exited) {
    if (logDir !== undefined) maxSeen = Math.max(maxSeen, partitionDiskBytes(logDir, topic).logBytes);
    await sleep(20);
  }
  assert.ok(producer.lines.some((l) => l.line.includes('"summary"')), `the producer did not finish: ${producer.lines.slice(-3).map((l) => l.line).join(' ')}`);
  if (logDir !== undefined) {
    await waitFor('retention to catch up', () => partitionDiskBytes(logDir, topic).logBytes <= retentionBytes + segmentBytes, env.remainingMs(10_000));
    assert.ok(maxSeen < (n * valueBytes) / 2, `disk use peaked at ${maxSeen} of ${n * valueBytes} produced`);
  } else {
    env.note('the broker\'s log dir is unknown here: disk use not measured, only offsets');
  }
  const { low, high } = await waitFor('the log start offset to move', async () => {
    const o = (await j.offsets(env, topic))[0];
    return o !== undefined && o.low > 0 ? o : undefined;
  }, env.remainingMs(10_000));
  assert.equal(high, n);
  assert.ok(low > 0 && high - low < n / 5, `low ${low} high ${high}`);
};

const retentionSize = defineCapability({
  id: 'retention-size',
  title: 'retention.bytes: producing 10x the limit keeps the partition within it plus one segment',
  order: 305,
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  needsControlledBroker: KNOB,
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const segmentBytes = MIN_SEGMENT_BYTES;
      const retentionBytes = 3 * segmentBytes;
      const topic = await env.createTopic('soak', { partitions: 1, configs: { 'segment.bytes': String(segmentBytes), 'retention.bytes': String(retentionBytes) } });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const logDir = env.controlled?.logDir;
      let produced = 0;
      let n = 0;
      let maxSeen = 0;
      while (produced < 10 * retentionBytes) {
        await produceRange(producer, topic, 4, { from: n, perSend: 2, valueBytes: BIG_VALUE_BYTES });
        await sleep(10);
        n += 4;
        produced += 4 * BIG_VALUE_BYTES;
        if (logDir !== undefined) maxSeen = Math.max(maxSeen, partitionDiskBytes(logDir, topic).logBytes);
      }
      if (logDir !== undefined) {
        // After the next retention check (every 200 ms) the bound holds exactly.
        const disk = await waitFor('retention to catch up', () => {
          const d = partitionDiskBytes(logDir, topic);
          return d.logBytes <= retentionBytes + segmentBytes ? d : undefined;
        }, env.remainingMs(10_000));
        // Beyond the data: each segment's index files and the rounding of its files up to whole blocks.
        assert.ok(disk.allBytes <= retentionBytes + segmentBytes + 16_384 * disk.segments, `all files ${disk.allBytes} bytes`);
        // Between checks the log runs ahead by what arrives in one check interval (as in Kafka), but
        // retention keeps pace during the run: the peak stays well below what was produced.
        assert.ok(maxSeen < produced / 2, `disk use peaked at ${maxSeen} of ${produced} produced`);
      } else {
        env.note('the broker\'s log dir is unknown here: disk use not measured, only offsets');
      }
      const { low, high } = await waitFor('the log start offset to move', async () => {
        const o = await partition0(admin, topic);
        return o.low > 0 ? o : undefined;
      }, env.remainingMs(10_000));
      assert.equal(high, n);
      assert.ok(low > 0 && high - low < n / 5, `low ${low} high ${high}`);
    },
    java: retentionSizeJava,
  },
});

export default [retentionTime, retentionSize];
