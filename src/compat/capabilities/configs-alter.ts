/**
 * Topic configs changed at runtime (AlterConfigs): kafkajs alterConfigs and confluent-kafka-python
 * AdminClient.alter_configs round-trip through DescribeConfigs (source: the topic's own config);
 * bad values (malformed, unknown policy, unknown key, out of range) are rejected with
 * INVALID_CONFIG and change nothing. A second row: the altered config takes effect without a
 * restart (retention.bytes deletes old segments at the next retention check: 200 ms on the broker
 * the run starts).
 *
 * IncrementalAlterConfigs: none of the clients here sends it (kafkajs 2.2.4 has no API for it,
 * confluent-kafka-python 1.7 predates incremental_alter_configs), so SET/DELETE/APPEND/SUBTRACT are
 * covered by src/controller/config-control.test.ts instead.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { errorTypes } from '../clients/kafkajs.js';
import { BIG_VALUE_BYTES, describeTopicConfigs, MIN_SEGMENT_BYTES, partition0, produceRange, TOPIC_CONFIG } from '../log-steps.js';
import { waitFor } from '../wait.js';

const REQUIRES = [{ api: ApiKey.AlterConfigs }, { api: ApiKey.DescribeConfigs, minVersion: 1 }, { api: ApiKey.CreateTopics }];

interface PyLine { type: string; ok?: boolean; code?: string; message?: string; configs?: Record<string, { value: string | null; source: number }> }

const configsAlter = defineCapability({
  id: 'configs-alter',
  title: 'admin: alter topic configs (round trip; INVALID_CONFIG for bad values, nothing changed)',
  order: 85,
  requires: REQUIRES,
  cells: {
    async kafkajs(env, kjs) {
      const segment = String(MIN_SEGMENT_BYTES);
      const topic = await env.createTopic('cfg', { partitions: 1, configs: { 'segment.bytes': segment } });
      const admin = await kjs.session(env).admin();
      const { ConfigResourceTypes } = kjs.kafkajs;
      // AlterConfigs replaces the whole set of overrides: segment.bytes is restated.
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [
        { name: 'segment.bytes', value: segment }, { name: 'retention.bytes', value: '1000' },
      ] }] });
      // Kafka acknowledges the alter once its controller has it; the broker applies it a moment later.
      const d = await waitFor('the altered configs described', async () => {
        const c = await describeTopicConfigs(kjs.kafkajs, admin, topic);
        return c.get('retention.bytes')?.value === '1000' ? c : undefined;
      }, env.remainingMs(15_000), 200);
      assert.deepEqual(d.get('retention.bytes'), { value: '1000', source: TOPIC_CONFIG });
      assert.deepEqual(d.get('segment.bytes'), { value: segment, source: TOPIC_CONFIG });

      for (const [name, value] of [['retention.ms', 'soon'], ['cleanup.policy', 'shred'], ['no.such.config', '1'], ['min.cleanable.dirty.ratio', '2']] as const) {
        let err: unknown;
        try {
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name, value }] }] });
        } catch (e) {
          err = e;
        }
        assert.ok(err !== undefined && errorTypes(err).includes('INVALID_CONFIG'), `${name}=${value}: expected INVALID_CONFIG, got ${String(err)}`);
      }
      // A rejected alter changed nothing.
      assert.equal((await describeTopicConfigs(kjs.kafkajs, admin, topic)).get('retention.bytes')?.value, '1000');
    },

    async 'confluent-kafka-python'(env, py) {
      const topic = await env.createTopic('cfg-py', { partitions: 1 });
      const run = (set: Record<string, string>): Promise<PyLine[]> => py.command<PyLine>(env, 'alter_configs', { topic, set }, 45_000);
      const good = await run({ 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete' });
      assert.equal(good[0]?.ok, true, JSON.stringify(good[0]));
      assert.equal(good[1]?.configs?.['retention.ms']?.value, '3600000');
      assert.equal(good[1]?.configs?.['cleanup.policy']?.value, 'compact,delete');
      const bad = await run({ 'retention.ms': '-7' });
      assert.equal(bad[0]?.ok, false);
      assert.equal(bad[0]?.code, 'INVALID_CONFIG', JSON.stringify(bad[0]));
      assert.match(bad[0]?.message ?? '', /retention\.ms/);
      assert.equal(bad[1]?.configs?.['retention.ms']?.value, '3600000', 'unchanged after the rejected alter');
    },

    kcat: { notApplicable: 'kcat has no admin API' },
  },
});

const configsLive = defineCapability({
  id: 'configs-live',
  title: 'an altered topic config takes effect without a restart (retention.bytes)',
  order: 330,
  requires: [...REQUIRES, { api: ApiKey.ListOffsets, minVersion: 1 }],
  needsControlledBroker: 'log.retention.check.interval.ms=200 runs retention within seconds',
  cells: {
    async kafkajs(env, kjs) {
      const segment = String(MIN_SEGMENT_BYTES);
      const topic = await env.createTopic('cfg-live', { partitions: 1, configs: { 'segment.bytes': segment } });
      const s = kjs.session(env);
      const admin = await s.admin();
      // 50 records of BIG_VALUE_BYTES: about five segments.
      await produceRange(await s.producer({ allowAutoTopicCreation: false }), topic, 50, { perSend: 2, valueBytes: BIG_VALUE_BYTES });
      assert.equal((await partition0(admin, topic)).low, 0);
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: kjs.kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: [
        { name: 'segment.bytes', value: segment }, { name: 'retention.bytes', value: '1000' },
      ] }] });
      const low = await waitFor('retention.bytes to take effect without a restart', async () => {
        const o = (await partition0(admin, topic)).low;
        return o > 0 ? o : undefined;
      }, env.remainingMs(15_000));
      assert.ok(low >= 30, `log start offset ${low}`);
    },
    kcat: { notApplicable: 'kcat has no admin API' },
  },
});

export default [configsAlter, configsLive];
