/**
 * DeleteRecords: the log start offset moves to the requested offset (-1: the high watermark); an
 * offset above the high watermark is OFFSET_OUT_OF_RANGE. A consumer fetching below the start
 * offset gets OFFSET_OUT_OF_RANGE and its auto.offset.reset decides where it goes (kcat,
 * librdkafka: earliest → the log start offset, latest → the end); a consumer assigned from the
 * beginning starts at the log start offset (confluent-kafka-python). kcat and confluent-kafka-python
 * 1.7 have no DeleteRecords: their cells delete with kafkajs's admin.
 */
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import type { PythonHandle } from '../clients/python.js';
import { errorTypes } from '../clients/kafkajs.js';
import { partition0, produceRange } from '../log-steps.js';
import { consoleConsume, consoleProduce, getOffsets, linesOf, toolOk } from '../kafka-cli-steps.js';
import { assertRanOk, parseJsonLines } from '../process.js';

const REQUIRES = [{ api: ApiKey.DeleteRecords }, { api: ApiKey.ListOffsets, minVersion: 1 }, { api: ApiKey.CreateTopics }];

/** kafkajs's admin, for the cells of clients without DeleteRecords. */
async function kafkajsAdmin(env: CompatEnv, why: string): Promise<Admin> {
  const kjs = env.client('kafkajs');
  if (kjs === undefined) throw new NotRunError(`${why}: kafkajs (npm install kafkajs) deletes the records, and it is absent`);
  return kjs.session(env).admin();
}

async function deleteRecords(admin: Admin, topic: string, offset: string): Promise<void> {
  // kafkajs's deleteTopicRecords looks the leader up in the metadata it already has.
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset }] });
}

/** confluent-kafka-python: assign() from the beginning after DeleteRecords (by kafkajs's admin). */
async function librdkafka(env: CompatEnv, py: PythonHandle): Promise<void> {
  const admin = await kafkajsAdmin(env, 'confluent-kafka-python 1.7 has no delete_records');
  const topic = await env.createTopic('del-rec-py', { partitions: 1 });
  await py.produce(env, { topic, count: 60, partitions: 1, batch_bytes: 1000 });
  await deleteRecords(admin, topic, '25');
  const records = await py.readAll(env, topic);
  assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 35 }, (_, i) => 25 + i), 'assign() from the beginning starts at the log start offset');
}

interface Deleted { type: string; partition: number; low_watermark: number; error: string | null; code: string | null }

/** franz-go: kadm.DeleteRecords (-1: the high watermark); its consumer from the start begins at the log start offset. */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const topic = await env.createTopic('del-rec-fgo', { partitions: 1 });
  await fgo.produce(env, { topic, count: 60, partitions: 1, batch_bytes: 1000 });
  const del = async (offset: number): Promise<Deleted | undefined> =>
    (await fgo.command<Deleted>(env, 'delete_records', { topic, before: { 0: offset } })).find((l) => l.type === 'deleted');
  assert.deepEqual(await del(25), { type: 'deleted', partition: 0, low_watermark: 25, error: null, code: null });
  assert.equal((await del(61))?.code, 'OFFSET_OUT_OF_RANGE', 'above the high watermark');
  const records = await fgo.readAll(env, topic);
  assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 35 }, (_, i) => 25 + i), 'a consumer from the start begins at the log start offset');
  assert.equal((await del(-1))?.low_watermark, 60, '-1 deletes up to the high watermark');
  await fgo.produce(env, { topic, count: 5, partitions: 1, start: 60 });
  assert.deepEqual((await fgo.readAll(env, topic)).map((r) => r.offset), [60, 61, 62, 63, 64]);
}

/**
 * One DeleteRecords request for every partition of a topic, as Kafka Streams sends every 30 s to
 * purge its repartition topics: each partition succeeds and its log start offset moves.
 */
async function deleteOnEveryPartitionAtOnce(env: CompatEnv, admin: Admin, producer: Producer): Promise<void> {
  const n = 8;
  const topic = await env.createTopic('del-rec-all', { partitions: n });
  await producer.send({ topic, acks: -1, messages: Array.from({ length: n * 5 }, (_, i) => ({ value: `v${i}`, partition: i % n })) });
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: Array.from({ length: n }, (_, partition) => ({ partition, offset: '3' })) });
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.deepEqual(offsets.map((o) => [o.partition, o.low, o.high]).sort((a, b) => Number(a[0]) - Number(b[0])),
    Array.from({ length: n }, (_, p) => [p, '3', '5']), 'every partition starts at 3');
}

export default defineCapability({
  id: 'delete-records',
  title: 'DeleteRecords moves the log start offset; below it OFFSET_OUT_OF_RANGE and auto.offset.reset decide',
  order: 310,
  requires: REQUIRES,
  // The kafka-cli cell starts a JVM for each of its 10 tool runs.
  timeoutMs: 120_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('del-rec', { partitions: 1 });
      const s = kjs.session(env);
      const admin = await s.admin();
      await produceRange(await s.producer({ allowAutoTopicCreation: false }), topic, 100);
      await deleteRecords(admin, topic, '37');
      assert.deepEqual(await partition0(admin, topic), { low: 37, high: 100 });
      // Above the high watermark: OFFSET_OUT_OF_RANGE.
      let err: unknown;
      try {
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '101' }] });
      } catch (e) {
        err = e;
      }
      type WithPartitions = { partitions?: { error?: unknown }[]; cause?: WithPartitions };
      const e = err as WithPartitions | undefined;
      const partitionErrors = [...(e?.partitions ?? []), ...(e?.cause?.partitions ?? [])].flatMap((p) => errorTypes(p.error));
      assert.ok(partitionErrors.includes('OFFSET_OUT_OF_RANGE'), `expected OFFSET_OUT_OF_RANGE, got ${String(err)} ${JSON.stringify(partitionErrors)}`);
      // -1 means "up to the high watermark" (kafkajs sends the offset as given).
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
      assert.deepEqual(await partition0(admin, topic), { low: 100, high: 100 });
      await deleteOnEveryPartitionAtOnce(env, admin, await s.producer({ allowAutoTopicCreation: false }));
    },

    async kcat(env, kcat) {
      const admin = await kafkajsAdmin(env, 'kcat has no DeleteRecords');
      const topic = await env.createTopic('del-rec', { partitions: 1 });
      const produce = async (from: number, to: number): Promise<void> => {
        const lines = Array.from({ length: to - from }, (_, i) => `key-${from + i}:value-${from + i}`);
        assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':', '-X', 'batch.size=800'], { input: lines.join('\n') + '\n', timeoutMs: 30_000 }));
      };
      /** kcat -C from an explicit offset with the given auto.offset.reset, until the end (-e). */
      const from = async (offset: number | 'beginning', reset: string): Promise<{ offset: number }[]> => {
        const r = await kcat.run(env, ['-b', env.bootstrap, '-C', '-t', topic, '-p', '0', '-o', String(offset), '-e', '-J', '-q',
          '-X', `auto.offset.reset=${reset}`, '-X', 'fetch.wait.max.ms=100'], { timeoutMs: 30_000 });
        assertRanOk(r);
        return parseJsonLines<{ offset: number }>(r.stdout);
      };
      await produce(0, 100);
      await deleteRecords(admin, topic, '37');
      assert.deepEqual(await partition0(admin, topic), { low: 37, high: 100 });
      const earliest = await from(5, 'earliest');
      assert.equal(earliest[0]?.offset, 37, 'auto.offset.reset=earliest jumps to the log start offset');
      assert.equal(earliest.length, 63);
      const latest = await from(5, 'latest');
      assert.equal(latest.length, 0, 'auto.offset.reset=latest jumps to the end');
      await deleteRecords(admin, topic, '-1');
      assert.deepEqual(await partition0(admin, topic), { low: 100, high: 100 });
      await produce(100, 105);
      const rest = await from('beginning', 'earliest');
      assert.deepEqual(rest.map((r) => r.offset), [100, 101, 102, 103, 104]);
    },

    async java(env, j) {
      // The log start offset moves inside a segment too: no small segments needed (Kafka 4.x refuses segment.bytes below 1 MiB).
      const topic = await env.createTopic('del-rec', { partitions: 1 });
      await j.produce(env, { topic, count: 100, partitions: 1 });
      type Line = { type: string; ok?: boolean; code?: string; low_watermark?: number; offsets?: { low: number; high: number }[] };
      /** deleteRecords before `offset`: its outcome, and the partition's offsets afterwards. */
      const del = async (offset: number): Promise<{ deleted: Line; offsets: number[] }> => {
        const lines = await j.command<Line>(env, 'delete_records', { topic, partition: 0, offset }, 45_000);
        const deleted = lines.find((l) => l.type === 'deleted');
        const o = lines.find((l) => l.type === 'offsets')?.offsets?.[0];
        assert.ok(deleted !== undefined && o !== undefined, JSON.stringify(lines));
        return { deleted, offsets: [o.low, o.high] };
      };
      assert.deepEqual(await del(37), { deleted: { type: 'deleted', ok: true, low_watermark: 37 }, offsets: [37, 100] });
      /** Assigned partition 0 at offset 5 (below the log start offset) with the given auto.offset.reset. */
      const from = (reset: string): Promise<{ type: string; offset?: number }[]> =>
        j.command<{ type: string; offset?: number }>(env, 'consume_from', { topic, partition: 0, offset: 5, reset, timeout_s: 25 }, 30_000);
      const earliest = (await from('earliest')).filter((l) => l.type === 'record');
      assert.equal(earliest[0]?.offset, 37, 'auto.offset.reset=earliest jumps to the log start offset');
      assert.equal(earliest.length, 63);
      assert.equal((await from('latest')).filter((l) => l.type === 'record').length, 0, 'auto.offset.reset=latest jumps to the end');
      assert.deepEqual((await from('none')).find((l) => l.type === 'out_of_range'), { type: 'out_of_range', offset: 5 },
        'auto.offset.reset=none: OffsetOutOfRangeException for the fetch below the log start offset');
      const above = await del(101);
      assert.equal(above.deleted.code, 'OFFSET_OUT_OF_RANGE', `deleteRecords above the high watermark: ${JSON.stringify(above)}`);
      assert.deepEqual(above.offsets, [37, 100], 'unchanged by the refused deletion');
      // beforeOffset(-1): up to the high watermark.
      assert.deepEqual(await del(-1), { deleted: { type: 'deleted', ok: true, low_watermark: 100 }, offsets: [100, 100] });
    },

    'confluent-kafka-python': librdkafka,
    'confluent-kafka-python-2': librdkafka,
    'franz-go': franzGo,

    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('del-rec-cli', { partitions: 1 });
      await consoleProduce(env, cli, topic, Array.from({ length: 100 }, (_, i) => `key-${i}:value-${i}`));
      /** kafka-delete-records with an --offset-json-file for partition 0: the line it prints for the partition. */
      const deleteTo = async (offset: number): Promise<string | undefined> => {
        const file = cli.file(env, 'offsets.json', JSON.stringify({ partitions: [{ topic, partition: 0, offset }], version: 1 }));
        const r = await toolOk(env, cli, 'kafka-delete-records', ['--bootstrap-server', env.bootstrap, '--offset-json-file', file], { timeoutMs: 30_000 });
        return linesOf(r).find((l) => l.startsWith(`partition: ${topic}-0\t`));
      };
      const ends = async (): Promise<[number | undefined, number | undefined]> =>
        [(await getOffsets(env, cli, topic, -2)).get(0), (await getOffsets(env, cli, topic, -1)).get(0)];

      assert.equal(await deleteTo(37), `partition: ${topic}-0\tlow_watermark: 37`);
      assert.deepEqual(await ends(), [37, 100], 'kafka-get-offsets --time -2 / -1');
      const earliest = await consoleConsume(env, cli, topic, { expect: 63 });
      assert.deepEqual(earliest.map((r) => [r.offset, r.key]), Array.from({ length: 63 }, (_, i) => [37 + i, `key-${37 + i}`]), '--offset earliest starts at the log start offset');
      // Below the log start offset: OFFSET_OUT_OF_RANGE, and auto.offset.reset=earliest moves to 37.
      const below = await consoleConsume(env, cli, topic, { expect: 1, offset: '5', extra: ['--command-property', 'auto.offset.reset=earliest'] });
      assert.deepEqual(below.map((r) => r.offset), [37]);

      assert.equal(await deleteTo(101), `partition: ${topic}-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.`);
      // -1: up to the high watermark.
      assert.equal(await deleteTo(-1), `partition: ${topic}-0\tlow_watermark: 100`);
      assert.deepEqual(await ends(), [100, 100]);
    },
  },
});
