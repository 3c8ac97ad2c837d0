/**
 * Configs changed at runtime survive a broker restart (they are metadata records): a topic's
 * altered retention.bytes, and a per-broker dynamic default (log.retention.ms) that topics inherit
 * (DescribeConfigs source DYNAMIC_BROKER_CONFIG); a read-only broker key (log.dirs) is rejected
 * with INVALID_REQUEST (as Kafka 4.3.1); the log start offset retention moved stays where it was. The broker-level
 * override is removed again after the cell (it would apply to every topic of the run).
 *
 * kafkajs and librdkafka both refuse an empty BROKER name: the cluster-default layer ('') is covered
 * by src/controller/config-control.test.ts.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { errorTypes } from '../clients/kafkajs.js';
import { BIG_VALUE_BYTES, describeTopicConfigs, DYNAMIC_BROKER_CONFIG, MIN_SEGMENT_BYTES, partition0, produceRange, TOPIC_CONFIG } from '../log-steps.js';
import { assertRanOk } from '../process.js';
import { waitFor } from '../wait.js';

export default defineCapability({
  id: 'configs-restart',
  title: 'topic and dynamic broker configs survive a restart; read-only broker key rejected',
  order: 920,
  needsRestart: true,
  requires: [{ api: ApiKey.AlterConfigs }, { api: ApiKey.DescribeConfigs, minVersion: 1 }, { api: ApiKey.CreateTopics }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const { ConfigResourceTypes } = kjs.kafkajs;
      const broker = String(env.controlled?.nodeId ?? 1);
      const segment = String(MIN_SEGMENT_BYTES);
      const topic = await env.createTopic('cfg-restart', { partitions: 1, configs: { 'segment.bytes': segment } });
      const s = kjs.session(env, 'tributary-compat-kafkajs-before');
      const admin = await s.admin();
      // 50 records of BIG_VALUE_BYTES: about five segments.
      await produceRange(await s.producer({ allowAutoTopicCreation: false }), topic, 50, { perSend: 2, valueBytes: BIG_VALUE_BYTES });
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [
        { name: 'segment.bytes', value: segment }, { name: 'retention.bytes', value: '1000' },
      ] }] });
      // Retention may take more than one pass: wait until the start offset settles.
      let previous = -1;
      const low = await waitFor('retention.bytes to take effect', async () => {
        const o = (await partition0(admin, topic)).low;
        const settled = o > 0 && o === previous;
        previous = o;
        return settled ? o : undefined;
      }, env.remainingMs(15_000), 700);
      assert.ok(low >= 30, `log start offset ${low}`);

      // Broker level: the per-broker layer that topics inherit.
      const other = await env.createTopic('cfg-inherit', { partitions: 1 });
      env.onCleanup(async () => {
        // AlterConfigs replaces the broker's whole set of dynamic overrides: none.
        const a = await kjs.session(env, 'tributary-compat-kafkajs-cleanup').admin();
        await a.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: broker, configEntries: [] }] });
      });
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: broker, configEntries: [{ name: 'log.retention.ms', value: '8888888' }] }] });
      // Kafka acknowledges the alter once its controller has it; the broker applies it a moment later.
      const inherited = await waitFor('the broker override inherited by the topic', async () => {
        const v = (await describeTopicConfigs(kjs.kafkajs, admin, other)).get('retention.ms');
        return v?.value === '8888888' ? v : undefined;
      }, env.remainingMs(15_000), 200);
      assert.deepEqual(inherited, { value: '8888888', source: DYNAMIC_BROKER_CONFIG });
      let ro: unknown;
      try {
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: broker, configEntries: [{ name: 'log.dirs', value: '/elsewhere' }] }] });
      } catch (e) {
        ro = e;
      }
      // Kafka 4.3.1 refuses a read-only broker key as an invalid request (KAFKA-13609).
      assert.ok(ro !== undefined && errorTypes(ro).includes('INVALID_REQUEST'), `read-only broker key: ${String(ro)}`);

      assert.ok(env.restart !== undefined, 'no restart hook');
      await env.restart();
      const admin2 = await kjs.session(env, 'tributary-compat-kafkajs-after').admin();
      const d = await waitFor('DescribeConfigs after the restart', () => describeTopicConfigs(kjs.kafkajs, admin2, topic), env.remainingMs(15_000));
      assert.deepEqual(d.get('retention.bytes'), { value: '1000', source: TOPIC_CONFIG });
      assert.deepEqual((await describeTopicConfigs(kjs.kafkajs, admin2, other)).get('retention.ms'), { value: '8888888', source: DYNAMIC_BROKER_CONFIG });
      // A broker that has just started may still answer NOT_LEADER_OR_FOLLOWER (retriable) while it loads the partition.
      const after = await waitFor('the partition served after the restart', () => partition0(admin2, topic), env.remainingMs(30_000), 250);
      assert.equal(after.low, low);
      // Remove the broker override again (also done after the cell when an assertion above failed).
      await admin2.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: broker, configEntries: [] }] });
      await waitFor('the broker override gone', async () => (await describeTopicConfigs(kjs.kafkajs, admin2, other)).get('retention.ms')?.source !== DYNAMIC_BROKER_CONFIG,
        env.remainingMs(15_000), 200);
    },
    async java(env, j) {
      const broker = String(env.controlled?.nodeId ?? 1);
      // Kafka 4.x refuses segment.bytes below 1 MiB: 100 records of 11 KB fill two segments.
      const topic = await env.createTopic('cfg-restart', { partitions: 1, configs: { 'segment.bytes': String(1 << 20) } });
      await j.produce(env, { topic, count: 100, partitions: 1, value_bytes: 11_000 });
      /** incrementalAlterConfigs of one resource, then DescribeConfigs of `described`. */
      const alter = async (described: string, ops: [string, string, string | null][], rtype = 'topic', name = described): Promise<{ ok?: boolean; code?: string; configs: Record<string, { value: string | null; source: string }> }> => {
        const lines = await j.command<{ type: string; ok?: boolean; code?: string; configs?: Record<string, { value: string | null; source: string }> }>(
          env, 'alter_configs', { topic: described, ops, rtype, name }, 45_000);
        const a = lines.find((l) => l.type === 'alter');
        const d = lines.find((l) => l.type === 'describe');
        assert.ok(a !== undefined && d?.configs !== undefined, JSON.stringify(lines));
        return { ok: a.ok, code: a.code, configs: d.configs };
      };
      assert.equal((await alter(topic, [['SET', 'retention.bytes', '1000']])).ok, true);
      let previous = -1;
      const low = await waitFor('retention.bytes to take effect', async () => {
        const o = (await j.offsets(env, topic))[0]?.low ?? 0;
        const settled = o > 0 && o === previous;
        previous = o;
        return settled ? o : undefined;
      }, env.remainingMs(30_000), 700);
      assert.ok(low >= 30, `log start offset ${low}`);

      // Broker level: the per-broker layer that topics inherit.
      const other = await env.createTopic('cfg-inherit', { partitions: 1 });
      env.onCleanup(async () => {
        assertRanOk(await j.cleanupCommand(env, 'alter_configs', { topic: other, ops: [['DELETE', 'log.retention.ms', null]], rtype: 'broker', name: broker }));
      });
      assert.equal((await alter(other, [['SET', 'log.retention.ms', '8888888']], 'broker', broker)).ok, true);
      // A broker's dynamic configs reach its topics through the metadata log: Kafka shows them a moment later.
      const inherits = async (): Promise<boolean> => (await alter(other, [])).configs['retention.ms']?.source === 'DYNAMIC_BROKER_CONFIG';
      await waitFor('the topic to inherit the broker\'s log.retention.ms', inherits, env.remainingMs(15_000), 300);
      assert.deepEqual((await alter(other, [])).configs['retention.ms'], { value: '8888888', source: 'DYNAMIC_BROKER_CONFIG', default: false });
      assert.ok(env.restart !== undefined, 'no restart hook');
      await env.restart();
      const after = await waitFor('DescribeConfigs after the restart', async () => {
        try {
          return await alter(topic, []);
        } catch {
          return undefined;
        }
      }, env.remainingMs(30_000), 500);
      assert.deepEqual(after.configs['retention.bytes'], { value: '1000', source: 'DYNAMIC_TOPIC_CONFIG', default: false });
      assert.deepEqual((await alter(other, [])).configs['retention.ms'], { value: '8888888', source: 'DYNAMIC_BROKER_CONFIG', default: false });
      assert.equal((await j.offsets(env, topic))[0]?.low, low);
      // Remove the broker override again (also done after the cell when an assertion above failed).
      assert.equal((await alter(other, [['DELETE', 'log.retention.ms', null]], 'broker', broker)).ok, true);
      await waitFor('the broker override to be gone', async () => !(await inherits()), env.remainingMs(15_000), 300);
      // A read-only broker key: Kafka answers IncrementalAlterConfigs with INVALID_REQUEST ("Cannot update these configs dynamically: [log.dirs]").
      const ro = await alter(other, [['SET', 'log.dirs', '/elsewhere']], 'broker', broker);
      assert.equal(ro.ok, false, 'log.dirs altered at runtime');
      assert.equal(ro.code, 'INVALID_REQUEST', `read-only broker key log.dirs: IncrementalAlterConfigs answered ${ro.code}`);
    },
    kcat: { notApplicable: 'kcat has no admin API' },
  },
});
