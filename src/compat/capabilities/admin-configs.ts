/**
 * Config administration: DescribeConfigs of a topic shows defaults and the values it was created
 * with (and every topic key when asked for all), LONG values exactly (past 2^53 too); an invalid
 * value is rejected with INVALID_CONFIG and no topic is created.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { expectRejectType } from '../checks.js';
import { linesOf, toolFails, toolOk } from '../kafka-cli-steps.js';

/** A line of the Java driver's configs_admin command. */
interface ConfigsLine {
  readonly type: string;
  readonly ok?: boolean;
  readonly code?: string;
  readonly present?: Record<string, boolean>;
  readonly configs?: Record<string, { value: string | null; source: string; default: boolean }>;
}

export default defineCapability({
  id: 'admin-configs',
  title: 'admin: describe configs; invalid config rejected (INVALID_CONFIG)',
  order: 80,
  requires: [{ api: ApiKey.DescribeConfigs }, { api: ApiKey.CreateTopics }],
  cells: {
    async kafkajs(env, kjs) {
      const admin = await kjs.session(env).admin();
      const { ConfigResourceTypes } = kjs.kafkajs;
      const topic = env.topic('cfg');
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '123456' }] }] });
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
      });
      assert.equal(res.resources.length, 1);
      const r = res.resources[0]!;
      assert.equal(r.errorCode, 0, `describeConfigs error ${r.errorCode} ${r.errorMessage}`);
      const entry = (name: string) => r.configEntries.find((e) => e.configName === name);
      assert.equal(entry('cleanup.policy')?.configValue, 'delete');
      assert.equal(entry('cleanup.policy')?.isDefault, true);
      assert.equal(entry('retention.ms')?.configValue, '123456');
      assert.equal(entry('retention.ms')?.isDefault, false);

      const all = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      const names = all.resources[0]?.configEntries.map((e) => e.configName) ?? [];
      for (const n of ['cleanup.policy', 'retention.ms', 'segment.bytes', 'max.message.bytes', 'compression.type']) {
        assert.ok(names.includes(n), `describeConfigs of all topic configs lacks ${n}`);
      }

      // LONG values are exact 64-bit integers: Kafka's "no limit" defaults and a value past 2^53 a
      // client sets come back exactly (a JS number would turn both into 9007199254740991).
      const big = env.topic('cfg-long');
      await admin.createTopics({ topics: [{ topic: big, numPartitions: 1, configEntries: [{ name: 'flush.messages', value: '9007199254740993' }] }] });
      const longs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: big, configNames: ['flush.messages', 'flush.ms', 'max.compaction.lag.ms'] }],
      });
      const longValue = (name: string) => longs.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
      assert.equal(longValue('flush.messages'), '9007199254740993', 'a LONG past 2^53 round-trips exactly');
      assert.equal(longValue('flush.ms'), '9223372036854775807', "flush.ms's default is Long.MAX_VALUE");
      assert.equal(longValue('max.compaction.lag.ms'), '9223372036854775807', "max.compaction.lag.ms's default is Long.MAX_VALUE");

      const bad = env.topic('badcfg');
      await expectRejectType(env, 'createTopics cleanup.policy=bogus',
        admin.createTopics({ topics: [{ topic: bad, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'bogus' }] }] }),
        'INVALID_CONFIG');
      assert.ok(!(await admin.listTopics()).includes(bad), 'the rejected topic must not exist');
    },
    async java(env, j) {
      const topic = env.topic('cfg');
      const bad = env.topic('badcfg');
      const lines = await j.command<ConfigsLine>(env, 'configs_admin', { topic, bad }, 45_000);
      const line = (type: string): ConfigsLine => {
        const l = lines.find((x) => x.type === type);
        assert.ok(l !== undefined, `no ${type} line: ${JSON.stringify(lines).slice(0, 1500)}`);
        return l;
      };
      assert.equal(line('create').ok, true, JSON.stringify(line('create')));
      const configs = line('describe').configs ?? {};
      assert.deepEqual(configs['cleanup.policy'], { value: 'delete', source: 'DEFAULT_CONFIG', default: true });
      assert.deepEqual(configs['retention.ms'], { value: '123456', source: 'DYNAMIC_TOPIC_CONFIG', default: false });
      for (const n of ['cleanup.policy', 'retention.ms', 'segment.bytes', 'max.message.bytes', 'compression.type']) {
        assert.ok(n in configs, `describeConfigs of all topic configs lacks ${n}`);
      }
      assert.equal(line('create_bad').code, 'INVALID_CONFIG', JSON.stringify(line('create_bad')));
      assert.deepEqual(line('listed').present, { [bad]: false }, 'the rejected topic must not exist');
    },
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const bs = ['--bootstrap-server', env.bootstrap];
      const topic = env.topic('cfg');
      await toolOk(env, cli, 'kafka-topics', [...bs, '--create', '--topic', topic, '--partitions', '1', '--config', 'retention.ms=123456'], { timeoutMs: 30_000 });
      const describe = async (all: boolean): Promise<string[]> => linesOf(await toolOk(env, cli, 'kafka-configs',
        [...bs, '--describe', ...(all ? ['--all'] : []), '--entity-type', 'topics', '--entity-name', topic], { timeoutMs: 30_000 }));

      // Without --all: the topic's own configs only.
      const own = await describe(false);
      assert.equal(own[0], `Dynamic configs for topic ${topic} are:`);
      assert.equal(own.length, 2, `only retention.ms is the topic's own: ${JSON.stringify(own)}`);
      // The broker the run started sets no log.retention.* key: the synonyms are the topic config alone
      // (Kafka lists no DEFAULT_CONFIG synonym for retention.ms, whose broker default spans
      // log.retention.ms/minutes/hours); elsewhere a static broker setting may add one.
      if (env.controlled !== undefined) assert.equal(own[1], '  retention.ms=123456 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=123456}');
      else assert.match(own[1] ?? '', /^ {2}retention\.ms=123456 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=123456[,}]/);

      const all = await describe(true);
      assert.equal(all[0], `All configs for topic ${topic} are:`);
      const names = all.slice(1).map((l) => /^ {2}([a-z0-9.]+)=/.exec(l)?.[1]);
      for (const n of ['cleanup.policy', 'retention.ms', 'segment.bytes', 'max.message.bytes', 'compression.type']) {
        assert.ok(names.includes(n), `kafka-configs --describe --all lacks ${n}`);
      }
      assert.ok(all.includes('  retention.ms=123456 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=123456}') || env.controlled === undefined,
        `--all shows retention.ms as the topic's own value: ${JSON.stringify(all.filter((l) => l.includes('retention.ms')))}`);
      if (env.controlled !== undefined) assert.ok(all.includes('  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:log.cleanup.policy=delete}'), 'cleanup.policy: the default');

      const bad = env.topic('badcfg');
      assert.match(await toolFails(env, cli, 'kafka-topics', [...bs, '--create', '--topic', bad, '--partitions', '1', '--config', 'cleanup.policy=bogus'], { timeoutMs: 30_000 }),
        /Error while executing topic command : Invalid value bogus for configuration cleanup\.policy: String must be one of: compact, delete/);
      assert.ok(!linesOf(await toolOk(env, cli, 'kafka-topics', [...bs, '--list'], { timeoutMs: 30_000 })).includes(bad), 'the rejected topic must not exist');
    },
  },
});
