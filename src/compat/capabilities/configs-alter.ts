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
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import type { PythonHandle } from '../clients/python.js';
import { errorTypes } from '../clients/kafkajs.js';
import { BIG_VALUE_BYTES, describeTopicConfigs, MIN_SEGMENT_BYTES, partition0, produceRange, TOPIC_CONFIG } from '../log-steps.js';
import { linesOf, toolFails, toolOk } from '../kafka-cli-steps.js';
import { waitFor } from '../wait.js';

const REQUIRES = [{ api: ApiKey.AlterConfigs }, { api: ApiKey.DescribeConfigs, minVersion: 1 }, { api: ApiKey.CreateTopics }];

/** A line of the Java driver's alter_configs command. */
interface JavaConfigsLine { type: string; ok?: boolean; code?: string; message?: string; configs?: Record<string, { value: string | null; source: string; default: boolean }> }

interface PyLine { type: string; ok?: boolean; code?: string; message?: string; configs?: Record<string, { value: string | null; source: number }> }

/** A driver client's alter_configs (confluent-kafka-python: AlterConfigs; franz-go: IncrementalAlterConfigs SET), then DescribeConfigs. */
async function alterDriver(env: CompatEnv, py: PythonHandle): Promise<void> {
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
}

const configsAlter = defineCapability({
  id: 'configs-alter',
  title: 'admin: alter topic configs (round trip; INVALID_CONFIG for bad values, nothing changed)',
  order: 85,
  requires: REQUIRES,
  // The kafka-cli cell starts a JVM for each of its 9 tool runs.
  timeoutMs: 120_000,
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

    'confluent-kafka-python': alterDriver,
    'franz-go': async (env, fgo) => {
      // kadm alters configs incrementally (IncrementalAlterConfigs, KIP-339).
      if (!env.versions.has(ApiKey.IncrementalAlterConfigs)) throw new NotRunError('the endpoint does not advertise IncrementalAlterConfigs');
      await alterDriver(env, fgo);
    },
    'confluent-kafka-python-2': alterDriver,

    async java(env, j) {
      // The Java client has only IncrementalAlterConfigs (AlterConfigs left its Admin API in Kafka 4.0).
      const topic = await env.createTopic('cfg-java', { partitions: 1 });
      const alter = async (ops: [string, string, string | null][]): Promise<{ alter: JavaConfigsLine; configs: Record<string, { value: string | null; source: string }> }> => {
        const lines = await j.command<JavaConfigsLine>(env, 'alter_configs', { topic, ops }, 45_000);
        const a = lines.find((l) => l.type === 'alter');
        const d = lines.find((l) => l.type === 'describe');
        assert.ok(a !== undefined && d?.configs !== undefined, JSON.stringify(lines));
        return { alter: a, configs: d.configs };
      };
      type Configs = Record<string, { value: string | null; source: string }>;
      /**
       * A successful alter, then the configs once `done` holds: the broker answering DescribeConfigs
       * learns the change through the metadata log, so Kafka may show it a moment after the alter.
       */
      const applied = async (ops: [string, string, string | null][], what: string, done: (c: Configs) => boolean): Promise<Configs> => {
        const r = await alter(ops);
        assert.equal(r.alter.ok, true, JSON.stringify(r.alter));
        if (done(r.configs)) return r.configs;
        return waitFor(what, async () => {
          const c = (await alter([])).configs;
          return done(c) ? c : undefined;
        }, env.remainingMs(15_000), 300);
      };
      const set = await applied([['SET', 'retention.ms', '3600000'], ['SET', 'cleanup.policy', 'compact']], 'the SET values',
        (c) => c['retention.ms']?.value === '3600000' && c['cleanup.policy']?.value === 'compact');
      assert.deepEqual(set['retention.ms'], { value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', default: false });
      // APPEND and SUBTRACT work on list configs.
      await applied([['APPEND', 'cleanup.policy', 'delete']], 'cleanup.policy appended', (c) => c['cleanup.policy']?.value === 'compact,delete');
      const subtracted = await applied([['SUBTRACT', 'cleanup.policy', 'compact']], 'cleanup.policy subtracted', (c) => c['cleanup.policy']?.value === 'delete');
      assert.deepEqual(subtracted['cleanup.policy'], { value: 'delete', source: 'DYNAMIC_TOPIC_CONFIG', default: false });
      for (const [name, value] of [['retention.ms', '-7'], ['retention.ms', 'soon'], ['cleanup.policy', 'shred'], ['min.cleanable.dirty.ratio', '2']] as const) {
        const bad = await alter([['SET', name, value]]);
        assert.equal(bad.alter.ok, false, `${name}=${value} accepted`);
        assert.equal(bad.alter.code, 'INVALID_CONFIG', `${name}=${value}: ${JSON.stringify(bad.alter)}`);
        assert.match(bad.alter.message ?? '', new RegExp(name.replace(/\./g, '\\.')));
        assert.equal(bad.configs['retention.ms']?.value, '3600000', 'unchanged after the rejected alter');
      }
      // DELETE removes the override: the default comes back.
      const deleted = await applied([['DELETE', 'retention.ms', null]], 'the default retention.ms back', (c) => c['retention.ms']?.source === 'DEFAULT_CONFIG');
      assert.equal(deleted['retention.ms']?.value, '604800000');
    },

    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      // kafka-configs --alter sends IncrementalAlterConfigs (SET for --add-config, DELETE for --delete-config).
      if (!env.versions.has(ApiKey.IncrementalAlterConfigs)) throw new NotRunError('kafka-configs --alter needs IncrementalAlterConfigs, which the endpoint does not advertise');
      const topic = await env.createTopic('cfg-cli', { partitions: 1 });
      const entity = ['--bootstrap-server', env.bootstrap, '--entity-type', 'topics', '--entity-name', topic];
      const own = async (): Promise<Map<string, string>> => {
        const lines = linesOf(await toolOk(env, cli, 'kafka-configs', [...entity, '--describe'], { timeoutMs: 30_000 }));
        assert.equal(lines[0], `Dynamic configs for topic ${topic} are:`);
        return new Map(lines.slice(1).map((l) => {
          const m = /^ {2}([a-z0-9.]+)=(.*) sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:([a-z0-9.]+)=/.exec(l);
          assert.ok(m !== null && m[3] === m[1], `kafka-configs --describe line ${JSON.stringify(l)}`);
          return [m[1] ?? '', m[2] ?? ''];
        }));
      };
      const alter = (args: readonly string[]) => toolOk(env, cli, 'kafka-configs', [...entity, '--alter', ...args], { timeoutMs: 30_000 });

      const done = await alter(['--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete]']);
      assert.equal(done.stdout.trim(), `Completed updating config for topic ${topic}.`);
      assert.deepEqual([...await own()].sort(), [['cleanup.policy', 'compact,delete'], ['retention.ms', '3600000']]);
      await alter(['--delete-config', 'retention.ms']);
      assert.deepEqual([...await own()], [['cleanup.policy', 'compact,delete']], '--delete-config removed retention.ms only');

      // Bad values: INVALID_CONFIG with Kafka's message, and nothing changed.
      const rejected = [
        ['retention.ms=soon', 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
        ['no.such.config=1', 'Unknown topic config name: no.such.config'],
        ['min.cleanable.dirty.ratio=2', 'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
      ] as const;
      for (const [config, message] of rejected) {
        const out = await toolFails(env, cli, 'kafka-configs', [...entity, '--alter', '--add-config', config], { timeoutMs: 30_000 });
        assert.ok(out.includes(`org.apache.kafka.common.errors.InvalidConfigurationException: ${message}`), `--add-config ${config}: expected "${message}", got:\n${out.slice(0, 1500)}`);
      }
      assert.deepEqual([...await own()], [['cleanup.policy', 'compact,delete']], 'unchanged after the rejected alters');
    },
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
    async java(env, j) {
      // Kafka 4.x refuses segment.bytes below 1 MiB: 100 records of 11 KB fill two segments.
      const topic = await env.createTopic('cfg-live', { partitions: 1, configs: { 'segment.bytes': String(1 << 20) } });
      await j.produce(env, { topic, count: 100, partitions: 1, value_bytes: 11_000 });
      assert.equal((await j.offsets(env, topic))[0]?.low, 0);
      const lines = await j.command<JavaConfigsLine>(env, 'alter_configs', { topic, ops: [['SET', 'retention.bytes', '1000']] }, 45_000);
      assert.equal(lines.find((l) => l.type === 'alter')?.ok, true, JSON.stringify(lines));
      const low = await waitFor('retention.bytes to take effect without a restart', async () => {
        const o = (await j.offsets(env, topic))[0]?.low ?? 0;
        return o > 0 ? o : undefined;
      }, env.remainingMs(30_000), 500);
      assert.ok(low >= 30, `log start offset ${low}`);
    },
    kcat: { notApplicable: 'kcat has no admin API' },
  },
});

export default [configsAlter, configsLive];
