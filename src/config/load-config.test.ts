import assert from 'node:assert/strict';
import { loadBrokerConfig, parseOverride } from './load-config.js';
import { ConfigError } from './config-error.js';

const fromFile = (text: string) => loadBrokerConfig({ properties: { text, name: 'server.properties' } });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

describe('loadBrokerConfig', () => {
  it('defaults: one combined node on 127.0.0.1:9092 with data in ./data', () => {
    const { config, warnings, raw } = loadBrokerConfig({});
    assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    assert.deepEqual(config.advertisedListeners, config.listeners);
    assert.deepEqual(config.logDirs, ['./data']);
    assert.equal(config.nodeId, 1);
    assert.deepEqual(config.processRoles, ['broker', 'controller']);
    assert.deepEqual(config.controllerQuorumVoters, []);
    assert.equal(config.numPartitions, 1);
    assert.equal(config.defaultReplicationFactor, 1);
    assert.equal(config.autoCreateTopicsEnable, true);
    assert.equal(config.logSegmentBytes, 1073741824);
    assert.equal(config.logRollMs, 168 * 3600000);
    assert.equal(config.logIndexIntervalBytes, 4096);
    assert.equal(config.logIndexSizeMaxBytes, 10485760);
    assert.equal(config.logRetentionMs, 168 * 3600000);
    assert.equal(config.logRetentionBytes, -1);
    assert.equal(config.logFlushIntervalMessages, Number.MAX_SAFE_INTEGER);
    assert.equal(config.logFlushIntervalMs, Number.MAX_SAFE_INTEGER);
    assert.equal(config.messageMaxBytes, 1048588);
    assert.equal(config.socketRequestMaxBytes, 104857600);
    assert.equal(config.deleteTopicEnable, true);
    assert.equal(config.offsetsTopicNumPartitions, 50);
    assert.equal(config.offsetsTopicReplicationFactor, 1);
    assert.equal(config.minInsyncReplicas, 1);
    assert.equal(config.acksAllFsync, true);
    assert.deepEqual(warnings, []);
    assert.equal(raw.size, 0);
  });

  it('precedence: defaults < properties < env < overrides, recording where each came from', () => {
    const { config, raw } = loadBrokerConfig({
      properties: { text: 'num.partitions=2\nlog.dirs=/file\nmessage.max.bytes=100\n', name: 'server.properties' },
      env: { KAFKA_NUM_PARTITIONS: '3', KAFKA_LOG_DIRS: '/env' },
      overrides: [['num.partitions', '4']],
    });
    assert.equal(config.numPartitions, 4);
    assert.deepEqual(config.logDirs, ['/env']);
    assert.equal(config.messageMaxBytes, 100);
    assert.deepEqual(raw.get('num.partitions'), { value: '4', source: 'override', origin: '--override' });
    assert.deepEqual(raw.get('log.dirs'), { value: '/env', source: 'env', origin: 'KAFKA_LOG_DIRS' });
    assert.deepEqual(raw.get('message.max.bytes'), { value: '100', source: 'properties', origin: 'server.properties:3' });
  });

  it('log.dirs wins over log.dir and is split on commas', () => {
    assert.deepEqual(fromFile('log.dir=/one\nlog.dirs=/a, /b').config.logDirs, ['/a', '/b']);
    assert.deepEqual(fromFile('log.dir=/one').config.logDirs, ['/one']);
  });

  it('retention: ms > minutes > hours, negative means unlimited', () => {
    assert.equal(fromFile('log.retention.hours=1').config.logRetentionMs, 3600000);
    assert.equal(fromFile('log.retention.hours=1\nlog.retention.minutes=2').config.logRetentionMs, 120000);
    assert.equal(fromFile('log.retention.hours=1\nlog.retention.minutes=2\nlog.retention.ms=5').config.logRetentionMs, 5);
    assert.equal(fromFile('log.retention.ms=-1').config.logRetentionMs, -1);
    assert.equal(fromFile('log.retention.hours=-5').config.logRetentionMs, -1);
  });

  it('roll: log.roll.ms over log.roll.hours; flush interval falls back to the scheduler interval', () => {
    assert.equal(fromFile('log.roll.hours=2').config.logRollMs, 7200000);
    assert.equal(fromFile('log.roll.hours=2\nlog.roll.ms=10').config.logRollMs, 10);
    assert.equal(fromFile('log.flush.scheduler.interval.ms=500').config.logFlushIntervalMs, 500);
    assert.equal(fromFile('log.flush.scheduler.interval.ms=500\nlog.flush.interval.ms=7').config.logFlushIntervalMs, 7);
  });

  it('an unknown key is an error naming it, its origin and the nearest known key', () => {
    const err = configError(() => fromFile('num.partitions=1\nlog.dir5=/x'));
    assert.equal(err.key, 'log.dir5');
    assert.match(err.message, /unknown config key "log\.dir5" \(from server\.properties:2\); did you mean "log\.dirs"\?/);
    const fromEnv = configError(() => loadBrokerConfig({ env: { KAFKA_NUM_PARTITONS: '3' } }));
    assert.match(fromEnv.message, /"num\.partitons" \(from KAFKA_NUM_PARTITONS\); did you mean "num\.partitions"/);
  });

  it('unknown tributary.* keys are errors too; the known one is typed', () => {
    assert.match(configError(() => fromFile('tributary.acks.all.fsnc=true')).message, /did you mean "tributary\.acks\.all\.fsync"/);
    assert.equal(fromFile('tributary.acks.all.fsync=false').config.acksAllFsync, false);
  });

  it('tributary.metrics.*: /metrics on 127.0.0.1:9404 by default, empty turns it off, a bad endpoint names the key', () => {
    const { config } = loadBrokerConfig({});
    assert.deepEqual(config.metricsListeners, [{ host: '127.0.0.1', port: 9404 }]);
    assert.equal(config.metricsPartitionLabels, true);
    assert.deepEqual(fromFile('tributary.metrics.listeners=').config.metricsListeners, []);
    assert.deepEqual(fromFile('tributary.metrics.listeners=http://:0, http://[::1]:9405').config.metricsListeners, [{ host: '', port: 0 }, { host: '::1', port: 9405 }]);
    assert.equal(fromFile('tributary.metrics.partition.labels=false').config.metricsPartitionLabels, false);
    const bad = configError(() => fromFile('tributary.metrics.listeners=127.0.0.1:9404'));
    assert.equal(bad.key, 'tributary.metrics.listeners');
    assert.match(bad.message, /must be http:\/\/host:port/);
    assert.match(configError(() => fromFile('tributary.metrics.listeners=http://127.0.0.1:70000')).message, /port 70000 is not in 0\.\.65535/);
  });

  it('real Kafka keys not acted on are accepted with ONE warning listing them all', () => {
    const { warnings } = fromFile([
      'num.network.threads=3', 'num.io.threads=8', 'zookeeper.connect=localhost:2181',
      'log.cleaner.threads=2', 'ssl.keystore.password=secret', 'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=x;',
      'num.partitions=3',
    ].join('\n'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /: listener\.name\.sasl_ssl\.scram-sha-256\.sasl\.jaas\.config, log\.cleaner\.threads, num\.io\.threads, num\.network\.threads, ssl\.keystore\.password, zookeeper\.connect$/);
  });

  it('malformed values are errors naming key and value', () => {
    assert.match(configError(() => fromFile('num.partitions=many')).message, /Invalid value many for configuration num\.partitions: Not a number of type INT \(from server\.properties:1\)/);
    assert.match(configError(() => fromFile('auto.create.topics.enable=yes')).message, /Invalid value yes for configuration auto\.create\.topics\.enable/);
    assert.match(configError(() => fromFile('num.partitions=2147483648')).message, /num\.partitions/);
    assert.match(configError(() => fromFile('num.io.threads=x')).message, /num\.io\.threads/);
  });

  it('range validation follows Kafka (atLeast, between, value sets)', () => {
    assert.match(configError(() => fromFile('log.segment.bytes=13')).message, /Invalid value 13 for configuration log\.segment\.bytes: Value must be at least 14/);
    assert.equal(fromFile('log.segment.bytes=14').config.logSegmentBytes, 14);
    assert.match(configError(() => fromFile('num.partitions=0')).message, /at least 1/);
    assert.match(configError(() => fromFile('compression.lz4.level=18')).message, /no more than 17/);
    assert.match(configError(() => fromFile('log.cleanup.policy=delete,shred')).message, /log\.cleanup\.policy/);
    assert.match(configError(() => fromFile('process.roles=broker,worker')).message, /process\.roles/);
    assert.match(configError(() => fromFile('offsets.topic.replication.factor=40000')).message, /SHORT/);
  });

  it('trims values as ConfigDef does, and accepts booleans in any case', () => {
    const { config } = fromFile('num.partitions =  7  \ndelete.topic.enable=FALSE');
    assert.equal(config.numPartitions, 7);
    assert.equal(config.deleteTopicEnable, false);
  });

  it('parses listeners with names, empty host, IPv6, port 0 and the protocol map', () => {
    const { config } = fromFile([
      'listeners=PLAINTEXT://:0,INTERNAL://[::1]:9093,ssl://0.0.0.0:9094',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT,SSL:SSL',
      'advertised.listeners=PLAINTEXT://broker.example:9092',
    ].join('\n'));
    assert.deepEqual(config.listeners, [
      { name: 'PLAINTEXT', host: '', port: 0, securityProtocol: 'PLAINTEXT' },
      { name: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'SASL_PLAINTEXT' },
      { name: 'SSL', host: '0.0.0.0', port: 9094, securityProtocol: 'SSL' },
    ]);
    assert.deepEqual(config.advertisedListeners, [{ name: 'PLAINTEXT', host: 'broker.example', port: 9092, securityProtocol: 'PLAINTEXT' }]);
  });

  it('rejects bad listener syntax, unmapped names, duplicates and advertising 0.0.0.0', () => {
    assert.match(configError(() => fromFile('listeners=localhost:9092')).message, /Invalid value localhost:9092 for configuration listeners/);
    assert.match(configError(() => fromFile('listeners=PLAINTEXT://h:99999')).message, /port 99999/);
    assert.match(configError(() => fromFile('listeners=CLIENT://h:1')).message, /no security protocol defined for listener CLIENT/);
    assert.match(configError(() => fromFile('listeners=PLAINTEXT://a:1,PLAINTEXT://b:2')).message, /repeated/);
    assert.match(configError(() => fromFile('advertised.listeners=PLAINTEXT://0.0.0.0:9092')).message, /0\.0\.0\.0/);
    assert.match(configError(() => fromFile('listener.security.protocol.map=A:TLS')).message, /unknown security protocol TLS/);
  });

  it('broker.id is an alias of node.id and must agree with it', () => {
    assert.equal(fromFile('broker.id=7').config.nodeId, 7);
    assert.equal(fromFile('broker.id=7\nnode.id=7').config.nodeId, 7);
    assert.equal(configError(() => fromFile('broker.id=7\nnode.id=8')).key, 'broker.id');
    assert.match(configError(() => fromFile('node.id=-1')).message, /node\.id/);
  });

  it('parses controller.quorum.voters', () => {
    const quorum = 'node.id=1\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\n';
    assert.deepEqual(fromFile(`${quorum}controller.quorum.voters=1@localhost:9093,2@[::1]:9094`).config.controllerQuorumVoters, [
      { id: 1, host: 'localhost', port: 9093 }, { id: 2, host: '::1', port: 9094 },
    ]);
    assert.match(configError(() => fromFile('controller.quorum.voters=localhost:9093')).message, /controller\.quorum\.voters/);
  });

  describe('process.roles, as Kafka checks it', () => {
    const base = 'controller.listener.names=CONTROLLER\ncontroller.quorum.voters=1@localhost:9093\n';
    it('a broker-only node is no voter and listens on no controller listener', () => {
      const c = fromFile(`${base}process.roles=broker\nnode.id=2\nlisteners=PLAINTEXT://:9092`).config;
      assert.deepEqual(c.processRoles, ['broker']);
      assert.match(configError(() => fromFile(`${base}process.roles=broker\nnode.id=1\nlisteners=PLAINTEXT://:9092`)).message, /the node id 1 must not be included in the set of voters/);
      assert.match(configError(() => fromFile(`${base}process.roles=broker\nnode.id=2\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093`)).message, /must not contain a value appearing in the 'listeners'/);
      assert.match(configError(() => fromFile('process.roles=broker\nnode.id=2\nlisteners=PLAINTEXT://:9092')).message, /controller\.quorum\.bootstrap\.servers must contain|controller\.quorum\.voters must contain/);
    });
    it('a broker-only node may find the quorum through controller.quorum.bootstrap.servers', () => {
      const c = fromFile('controller.listener.names=CONTROLLER\ncontroller.quorum.bootstrap.servers=localhost:9093,[::1]:9094\nprocess.roles=broker\nnode.id=2\nlisteners=PLAINTEXT://:9092').config;
      assert.deepEqual(c.controllerQuorumBootstrapServers, [{ host: 'localhost', port: 9093 }, { host: '::1', port: 9094 }]);
    });
    it('a controller may find a dynamic quorum (KIP-853) through several controller.quorum.bootstrap.servers', () => {
      const c = fromFile('controller.listener.names=CONTROLLER\ncontroller.quorum.bootstrap.servers=localhost:9093,localhost:9094\nprocess.roles=controller\nnode.id=2\nlisteners=CONTROLLER://:9094').config;
      assert.deepEqual(c.controllerQuorumVoters, []);
      assert.deepEqual(c.controllerQuorumBootstrapServers, [{ host: 'localhost', port: 9093 }, { host: 'localhost', port: 9094 }]);
    });
    it('a controller-only node is a voter and listens on controller listeners only', () => {
      const c = fromFile(`${base}process.roles=controller\nnode.id=1\nlisteners=CONTROLLER://:9093`).config;
      assert.deepEqual(c.processRoles, ['controller']);
      assert.match(configError(() => fromFile(`${base}process.roles=controller\nnode.id=1\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093`)).message, /must only contain KRaft controller listeners/);
      assert.match(configError(() => fromFile(`${base}process.roles=controller\nnode.id=3\nlisteners=CONTROLLER://:9093`)).message, /the node id 3 must be included in the set of voters/);
    });
    it('refuses an unknown role', () => {
      assert.match(configError(() => fromFile('process.roles=broker,zookeeper')).message, /Invalid value zookeeper for configuration process.roles/);
    });
  });

  it('loads Kafka 4\'s sample config/server.properties unchanged, with one warning', () => {
    const { config, warnings } = fromFile([
      '# Licensed to the Apache Software Foundation (ASF)', 'process.roles=broker,controller', 'node.id=1',
      'controller.quorum.bootstrap.servers=localhost:9093', 'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
      'inter.broker.listener.name=PLAINTEXT', 'advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'num.network.threads=3', 'num.io.threads=8', 'socket.send.buffer.bytes=102400', 'socket.receive.buffer.bytes=102400',
      'socket.request.max.bytes=104857600', 'log.dirs=/tmp/kraft-combined-logs', 'num.partitions=1',
      'num.recovery.threads.per.data.dir=1', 'offsets.topic.replication.factor=1', 'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1',
      'log.retention.hours=168', 'log.segment.bytes=1073741824', 'log.retention.check.interval.ms=300000',
    ].join('\n'));
    assert.equal(config.listeners.length, 2);
    assert.deepEqual(config.logDirs, ['/tmp/kraft-combined-logs']);
    assert.equal(warnings.length, 1);
  });

  it('controller.listener.names map to PLAINTEXT when no protocol map is set (KRaft rule)', () => {
    const { config } = fromFile('listeners=PLAINTEXT://:9092,CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER');
    assert.equal(config.listeners[1]?.securityProtocol, 'PLAINTEXT');
  });

  it('parseOverride splits on the first =', () => {
    assert.deepEqual(parseOverride('listeners=PLAINTEXT://:9092'), ['listeners', 'PLAINTEXT://:9092']);
    assert.deepEqual(parseOverride('a=b=c'), ['a', 'b=c']);
    assert.throws(() => parseOverride('novalue'), ConfigError);
  });

  it('replica.selector.class: unset is none (leader only), Kafka\'s two selectors are known, another class is refused', () => {
    assert.equal(loadBrokerConfig({}).config.replicaSelector, null);
    assert.equal(loadBrokerConfig({ overrides: [['replica.selector.class', 'org.apache.kafka.common.replica.RackAwareReplicaSelector']] }).config.replicaSelector, 'rackAware');
    assert.equal(loadBrokerConfig({ overrides: [['replica.selector.class', 'org.apache.kafka.common.replica.LeaderSelector']] }).config.replicaSelector, 'leader');
    const e = configError(() => loadBrokerConfig({ overrides: [['replica.selector.class', 'com.example.MySelector']] }));
    assert.equal(e.key, 'replica.selector.class');
  });
});
