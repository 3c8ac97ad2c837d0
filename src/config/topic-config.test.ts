import assert from 'node:assert/strict';
import { describeTopicConfigs, effectiveTopicValue, validateTopicConfig, validateTopicConfigs, TOPIC_CONFIGS } from './topic-config.js';
import { ConfigSource } from './config-types.js';
import { javaDouble } from './config-parse.js';

const describeOne = (name: string, overrides: Record<string, string>, staticBroker: Record<string, string> = {}, dynamicBroker: Record<string, string> = {}) => {
  const [entry] = describeTopicConfigs(new Map(Object.entries(overrides)), {
    staticBroker: new Map(Object.entries(staticBroker)),
    dynamicBroker: new Map(Object.entries(dynamicBroker)),
  }, [name]);
  assert.ok(entry);
  return entry;
};

describe('topic configs', () => {
  it('validates values and valid sets, naming key and value', () => {
    assert.equal(validateTopicConfig('cleanup.policy', 'compact,delete'), null);
    assert.match(validateTopicConfig('cleanup.policy', 'shred') ?? '', /Invalid value shred for configuration cleanup\.policy/);
    assert.equal(validateTopicConfig('compression.type', 'zstd'), null);
    assert.match(validateTopicConfig('compression.type', 'brotli') ?? '', /compression\.type/);
    assert.equal(validateTopicConfig('message.timestamp.type', 'LogAppendTime'), null);
    assert.match(validateTopicConfig('message.timestamp.type', 'logappendtime') ?? '', /message\.timestamp\.type/);
    assert.match(validateTopicConfig('retention.ms', '-2') ?? '', /at least -1/);
    assert.equal(validateTopicConfig('retention.ms', '-1'), null);
    assert.match(validateTopicConfig('segment.bytes', '13') ?? '', /at least 14/);
    assert.match(validateTopicConfig('min.insync.replicas', 'two') ?? '', /Not a number of type INT/);
    assert.match(validateTopicConfig('min.cleanable.dirty.ratio', '1.5') ?? '', /no more than 1/);
    assert.equal(validateTopicConfig('compression.gzip.level', '-1'), null);
    assert.match(validateTopicConfig('compression.gzip.level', '0') ?? '', /compression\.gzip\.level/);
    assert.equal(validateTopicConfig('leader.replication.throttled.replicas', '0:1,1:2'), null);
    assert.equal(validateTopicConfig('leader.replication.throttled.replicas', '*'), null);
    assert.match(validateTopicConfig('leader.replication.throttled.replicas', '0-1') ?? '', /throttled/);
    assert.equal(validateTopicConfig('unclean.leader.election.enable', 'maybe')?.includes('unclean.leader.election.enable'), true);
    assert.equal(validateTopicConfig('retention.msec', '1'), 'Unknown topic config name: retention.msec');
    assert.match(validateTopicConfigs(new Map([['retention.ms', '1'], ['segment.ms', '0']])) ?? '', /segment\.ms/);
  });

  it('words invalid values as Apache Kafka 4.3.1 does: parsed doubles, the refused list element, its validators\' own messages', () => {
    assert.equal(validateTopicConfig('min.cleanable.dirty.ratio', '2'), 'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1');
    assert.equal(validateTopicConfig('min.cleanable.dirty.ratio', '-0.00001'), 'Invalid value -1.0E-5 for configuration min.cleanable.dirty.ratio: Value must be at least 0');
    assert.equal(validateTopicConfig('cleanup.policy', 'compact,shred'), 'Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete');
    assert.equal(validateTopicConfig('compression.gzip.level', '0'), 'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1');
    assert.equal(validateTopicConfig('follower.replication.throttled.replicas', '0-1'),
      "Invalid value [0-1] for configuration follower.replication.throttled.replicas: follower.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...");
  });

  it('knows Kafka\'s full topic config list', () => {
    for (const name of ['cleanup.policy', 'retention.ms', 'segment.bytes', 'max.message.bytes', 'flush.messages', 'flush.ms',
      'delete.retention.ms', 'min.compaction.lag.ms', 'max.compaction.lag.ms', 'segment.index.bytes', 'index.interval.bytes',
      'remote.storage.enable', 'local.retention.ms', 'message.timestamp.before.max.ms', 'preallocate']) {
      assert.ok(TOPIC_CONFIGS.has(name), name);
    }
  });

  it('LONG values past 2^53 are described exactly, defaults and overrides alike', () => {
    for (const name of ['flush.messages', 'flush.ms', 'max.compaction.lag.ms', 'message.timestamp.before.max.ms']) {
      assert.equal(describeOne(name, {}).value, '9223372036854775807', name);
    }
    assert.equal(describeOne('flush.messages', { 'flush.messages': '9007199254740993' }).value, '9007199254740993');
    assert.equal(describeOne('flush.messages', { 'flush.messages': ' +9007199254740993 ' }).value, '9007199254740993', "Kafka's canonical form");
    assert.equal(describeOne('retention.ms', {}, { 'log.retention.hours': '2562047788015' }).value, String(2562047788015n * 3600000n));
    assert.equal(describeOne('retention.ms', {}, { 'log.retention.minutes': '-5' }).value, '-1');
  });

  it('an override is TOPIC_CONFIG with the broker synonyms after it', () => {
    const e = describeOne('retention.ms', { 'retention.ms': '1000' }, { 'log.retention.hours': '24' });
    assert.equal(e.value, '1000');
    assert.equal(e.source, ConfigSource.TOPIC_CONFIG);
    assert.equal(e.isDefault, false);
    assert.equal(e.readOnly, false);
    assert.equal(e.isSensitive, false);
    assert.equal(e.configType, 5);
    // Kafka lists broker synonyms from its primary key (log.retention.ms), unset here: none follow.
    assert.deepEqual(e.synonyms, [{ name: 'retention.ms', value: '1000', source: ConfigSource.TOPIC_CONFIG }]);
    const withPrimary = describeOne('retention.ms', { 'retention.ms': '1000' }, { 'log.retention.ms': '5000', 'log.retention.hours': '24' });
    assert.deepEqual(withPrimary.synonyms, [
      { name: 'retention.ms', value: '1000', source: ConfigSource.TOPIC_CONFIG },
      { name: 'log.retention.ms', value: '5000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('without an override the broker value applies, converted to the topic unit', () => {
    // As Apache Kafka 4.3.1 answers with log.retention.hours=24 in server.properties: the value is
    // the broker's, the source DEFAULT_CONFIG and no synonyms (none is named log.retention.ms).
    const e = describeOne('retention.ms', {}, { 'log.retention.hours': '24' });
    assert.equal(e.value, '86400000');
    assert.equal(e.source, ConfigSource.DEFAULT_CONFIG);
    assert.deepEqual(e.synonyms, []);
    const byMinutes = describeOne('retention.ms', {}, { 'log.retention.hours': '24', 'log.retention.minutes': '5' });
    assert.equal(byMinutes.value, '300000');
    const byMs = describeOne('retention.ms', {}, { 'log.retention.ms': '7000', 'log.retention.hours': '24' });
    assert.equal(byMs.value, '7000');
    assert.equal(byMs.source, ConfigSource.STATIC_BROKER_CONFIG);
    assert.equal(byMs.synonyms[0]?.name, 'log.retention.ms');
    assert.equal(describeOne('retention.ms', {}, { 'log.retention.hours': '-1' }).value, '-1');
  });

  it('dynamic broker config beats static config', () => {
    const e = describeOne('max.message.bytes', {}, { 'message.max.bytes': '2000' }, { 'message.max.bytes': '3000' });
    assert.equal(e.value, '3000');
    assert.equal(e.source, ConfigSource.DYNAMIC_BROKER_CONFIG);
    assert.deepEqual(e.synonyms.map((s) => s.source), [
      ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG,
    ]);
  });

  it('with nothing set the source is DEFAULT_CONFIG and the value is Kafka\'s default', () => {
    const e = describeOne('retention.ms', {});
    assert.equal(e.value, '604800000');
    assert.equal(e.source, ConfigSource.DEFAULT_CONFIG);
    assert.equal(e.isDefault, true);
    assert.deepEqual(e.synonyms, [], 'log.retention.hours=168 is a default of another key than log.retention.ms');
    assert.deepEqual(describeOne('max.message.bytes', {}).synonyms, [{ name: 'message.max.bytes', value: '1048588', source: ConfigSource.DEFAULT_CONFIG }]);
    const noSynonym = describeOne('remote.storage.enable', {});
    assert.equal(noSynonym.value, 'false');
    assert.deepEqual(noSynonym.synonyms, []);
    assert.equal(noSynonym.configType, 1);
    assert.equal(describeOne('cleanup.policy', {}).configType, 7);
  });

  it('describes every topic config by default and gives typed effective values', () => {
    const all = describeTopicConfigs(new Map(), {});
    assert.equal(all.length, TOPIC_CONFIGS.size);
    assert.equal(effectiveTopicValue('segment.ms', new Map(), { staticBroker: new Map([['log.roll.hours', '1']]) }), 3600000);
    assert.deepEqual(effectiveTopicValue('cleanup.policy', new Map([['cleanup.policy', 'compact']]), {}), ['compact']);
  });
});

describe('javaDouble', () => {
  it("prints doubles as Java's Double.toString", () => {
    assert.deepEqual([2, 0.5, 1.5, -0.00001, 1e-3, 1e7, 15000000000, 0, 123.25].map(javaDouble), ['2.0', '0.5', '1.5', '-1.0E-5', '0.001', '1.0E7', '1.5E10', '0.0', '123.25']);
  });
});
