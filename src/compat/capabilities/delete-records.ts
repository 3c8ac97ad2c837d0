/**
 * DeleteRecords: the log start offset moves to the requested offset (-1: the high watermark); an
 * offset above the high watermark is OFFSET_OUT_OF_RANGE. A consumer fetching below the start
 * offset gets OFFSET_OUT_OF_RANGE and its auto.offset.reset decides where it goes (kcat,
 * librdkafka: earliest → the log start offset, latest → the end); a consumer assigned from the
 * beginning starts at the log start offset (confluent-kafka-python). kcat and confluent-kafka-python
 * 1.7 have no DeleteRecords: their cells delete with kafkajs's admin.
 */
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import { errorTypes } from '../clients/kafkajs.js';
import { partition0, produceRange } from '../log-steps.js';
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

export default defineCapability({
  id: 'delete-records',
  title: 'DeleteRecords moves the log start offset; below it OFFSET_OUT_OF_RANGE and auto.offset.reset decide',
  order: 310,
  requires: REQUIRES,
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

    async 'confluent-kafka-python'(env, py) {
      const admin = await kafkajsAdmin(env, 'confluent-kafka-python 1.7 has no delete_records');
      const topic = await env.createTopic('del-rec-py', { partitions: 1 });
      await py.produce(env, { topic, count: 60, partitions: 1, batch_bytes: 1000 });
      await deleteRecords(admin, topic, '25');
      const records = await py.readAll(env, topic);
      assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 35 }, (_, i) => 25 + i), 'assign() from the beginning starts at the log start offset');
    },
  },
});
