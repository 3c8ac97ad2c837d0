/**
 * Config administration: DescribeConfigs of a topic shows defaults and the values it was created
 * with (and every topic key when asked for all); an invalid value is rejected with INVALID_CONFIG
 * and no topic is created.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { expectRejectType } from '../checks.js';

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
  },
});
