import assert from 'node:assert/strict';
import { describeBrokerConfig, describeBrokerConfigs } from './describe-broker.js';
import { loadBrokerConfig } from './load-config.js';
import { BROKER_CONFIG_DEFS } from './broker-config-defs.js';
import { ConfigSource } from './config-types.js';

describe('describeBrokerConfigs', () => {
  const loaded = loadBrokerConfig({ properties: { text: 'num.partitions=3\nssl.keystore.password=hunter2\nlog.retention.hours=24' } });
  const layers = { staticBroker: loaded.raw };

  it('describes every known key, explicit ones as STATIC_BROKER_CONFIG', () => {
    const all = describeBrokerConfigs(layers);
    assert.equal(all.length, BROKER_CONFIG_DEFS.size);
    const partitions = all.find((e) => e.name === 'num.partitions');
    assert.deepEqual(partitions, {
      name: 'num.partitions', value: '3', readOnly: true, isDefault: false, source: ConfigSource.STATIC_BROKER_CONFIG,
      isSensitive: false, configType: 3,
      synonyms: [
        { name: 'num.partitions', value: '3', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'num.partitions', value: '1', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
  });

  it('defaults are DEFAULT_CONFIG with Tributary\'s defaults', () => {
    const e = describeBrokerConfig(layers, 'listeners');
    assert.equal(e?.value, 'PLAINTEXT://127.0.0.1:9092');
    assert.equal(e?.source, ConfigSource.DEFAULT_CONFIG);
    assert.equal(e?.isDefault, true);
    assert.equal(e?.readOnly, false);
    assert.equal(describeBrokerConfig(layers, 'tributary.acks.all.fsync')?.value, 'true');
  });

  it('PASSWORD values are sensitive and never shown', () => {
    const e = describeBrokerConfig(layers, 'ssl.keystore.password');
    assert.equal(e?.value, null);
    assert.equal(e?.isSensitive, true);
    assert.equal(e?.configType, 9);
    assert.equal(e?.source, ConfigSource.STATIC_BROKER_CONFIG);
    assert.deepEqual(e?.synonyms, [{ name: 'ssl.keystore.password', value: null, source: ConfigSource.STATIC_BROKER_CONFIG }]);
  });

  it('log.retention.ms, unset, has no synonyms and is a default even with log.retention.hours set (as Apache Kafka 4.3.1 answers)', () => {
    const e = describeBrokerConfig(layers, 'log.retention.ms');
    assert.equal(e?.value, null);
    assert.equal(e?.source, ConfigSource.DEFAULT_CONFIG);
    assert.deepEqual(e?.synonyms, []);
    assert.deepEqual(describeBrokerConfig(layers, 'log.retention.hours')?.synonyms, [
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('skips unknown names and types LONG/LIST keys', () => {
    assert.equal(describeBrokerConfig(layers, 'no.such.key'), undefined);
    assert.equal(describeBrokerConfig(layers, 'log.flush.interval.messages')?.value, '9223372036854775807');
    assert.equal(describeBrokerConfig(layers, 'process.roles')?.configType, 7);
  });
});
