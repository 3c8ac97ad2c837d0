import assert from 'node:assert/strict';
import { envNameToKey, envToEntries } from './env-mapping.js';

describe('KAFKA_* environment mapping (official image rules)', () => {
  it('strips KAFKA_, lowercases and turns _ into .', () => {
    assert.equal(envNameToKey('KAFKA_LOG_DIRS'), 'log.dirs');
    assert.equal(envNameToKey('KAFKA_NUM_PARTITIONS'), 'num.partitions');
    assert.equal(envNameToKey('KAFKA_ADVERTISED_LISTENERS'), 'advertised.listeners');
  });

  it('maps __ to _ and ___ to -', () => {
    assert.equal(envNameToKey('KAFKA_LISTENER_NAME_SASL__SSL_PLAIN_SASL_JAAS_CONFIG'), 'listener.name.sasl_ssl.plain.sasl.jaas.config');
    assert.equal(envNameToKey('KAFKA_LISTENER_NAME_X_SCRAM___SHA___256_SASL_JAAS_CONFIG'), 'listener.name.x.scram-sha-256.sasl.jaas.config');
  });

  it('ignores non-KAFKA variables and the ones the image keeps for itself', () => {
    const entries = envToEntries({
      PATH: '/bin', KAFKA_HEAP_OPTS: '-Xmx1g', KAFKA_OPTS: '-D', KAFKA_VERSION: '4.1', KAFKA_JMX_OPTS: 'x',
      KAFKA_LOG4J_OPTS: 'x', KAFKA_JVM_PERFORMANCE_OPTS: 'x', KAFKA_GC_LOG_OPTS: 'x', KAFKA_HOME: '/opt',
      KAFKA_NODE_ID: '3', KAFKA_UNSET: undefined,
    });
    assert.deepEqual(entries, [{ key: 'node.id', value: '3', variable: 'KAFKA_NODE_ID' }]);
  });
});
