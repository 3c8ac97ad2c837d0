/**
 * Topic and broker configs changed at runtime by real clients (issue #5): kafkajs admin
 * alterConfigs/describeConfigs and confluent-kafka-python's AdminClient.alter_configs round-trip,
 * reject bad values with INVALID_CONFIG, take effect without a restart (retention kicks in) and
 * survive one. ListOffsets by timestamp (kafkajs fetchTopicOffsetsByTimestamp, confluent-kafka-python
 * offsets_for_times) for CreateTime and LogAppendTime topics.
 *
 * IncrementalAlterConfigs: none of the clients available here sends it (kafkajs 2.2.4 has no API for
 * it, Debian's confluent-kafka-python 1.7 predates incremental_alter_configs), so SET/DELETE/APPEND/
 * SUBTRACT are covered by src/controller/config-control.test.ts instead.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { assertRanOk, clientProblem, parseJsonLines, PYTHON, runProcess, skipOrFail, uniqueTopic, waitFor } from './support/helpers.js';
import { errorTypes } from './support/kafkajs.js';
import { pyOffsetsForTimes } from './support/python-clients.js';
import { anyReader } from './support/readers.js';
import { useKafkajsBroker } from './support/kafkajs-broker.js';

const { ConfigResourceTypes } = kafkajs;
const TOPIC_CONFIG = 1;
const DYNAMIC_BROKER_CONFIG = 2;

/** confluent-kafka-python 1.7 AdminClient: alter_configs then describe_configs, one JSON line each. */
const PY_ALTER = `
import json, sys
from confluent_kafka.admin import AdminClient, ConfigResource
a = json.loads(sys.argv[1])
admin = AdminClient({"bootstrap.servers": a["bootstrap"]})
res = ConfigResource(a.get("rtype", "topic"), a.get("name", a["topic"]), set_config=a["set"])
for r, f in admin.alter_configs([res], request_timeout=20).items():
    try:
        f.result()
        print(json.dumps({"type": "alter", "ok": True}))
    except Exception as e:
        err = e.args[0] if e.args else None
        print(json.dumps({"type": "alter", "ok": False, "code": getattr(err, "name", lambda: str(e))(), "message": str(e)}))
for r, f in admin.describe_configs([ConfigResource("topic", a["topic"])], request_timeout=20).items():
    entries = f.result()
    print(json.dumps({"type": "describe", "configs": {k: {"value": v.value, "source": v.source} for k, v in entries.items()}}))
`;

interface PyLine { type: string; ok?: boolean; code?: string; message?: string; configs?: Record<string, { value: string | null; source: number }> }

describe('topic and broker configs at runtime; ListOffsets by timestamp (kafkajs, confluent-kafka-python)', function () {
  const fx = useKafkajsBroker('compat-log-configs', { overrides: { 'num.partitions': '1', 'log.retention.check.interval.ms': '200', 'log.segment.delete.delay.ms': '0' }, producer: { allowAutoTopicCreation: false } });

  async function describeTopic(topic: string): Promise<Map<string, { value: string; source: number }>> {
    const r = await fx.admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return new Map(r.resources[0]!.configEntries.map((e) => [e.configName, { value: e.configValue, source: e.configSource as number }]));
  }

  async function produce(topic: string, count: number, timestamp?: (i: number) => number): Promise<void> {
    for (let i = 0; i < count; i += 10) {
      const messages = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
        key: `key-${i + j}`, value: `value-${i + j}`, ...(timestamp === undefined ? {} : { timestamp: String(timestamp(i + j)) }),
      }));
      await fx.producer.send({ topic, acks: -1, messages });
    }
  }

  it('kafkajs alterConfigs: round-trips, takes effect live (retention), rejects bad values with INVALID_CONFIG, survives a restart', async function () {
    this.timeout(90_000);
    const topic = uniqueTopic('cfg-live');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '1024' }] }] });
    await produce(topic, 100);
    assert.equal(Number((await fx.admin.fetchTopicOffsets(topic))[0]!.low), 0);
    // AlterConfigs replaces the whole set of overrides: segment.bytes is restated.
    await fx.admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [
      { name: 'segment.bytes', value: '1024' }, { name: 'retention.bytes', value: '1000' },
    ] }] });
    const d = await describeTopic(topic);
    assert.deepEqual(d.get('retention.bytes'), { value: '1000', source: TOPIC_CONFIG });
    const low = await waitFor('retention.bytes to take effect without a restart', async () => {
      const o = Number((await fx.admin.fetchTopicOffsets(topic))[0]!.low);
      return o > 0 ? o : undefined;
    }, 15_000);
    assert.ok(low >= 30, `log start offset ${low}`);

    for (const [name, value] of [['retention.ms', 'soon'], ['cleanup.policy', 'shred'], ['no.such.config', '1'], ['min.cleanable.dirty.ratio', '2']] as const) {
      let err: unknown;
      try {
        await fx.admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name, value }] }] });
      } catch (e) {
        err = e;
      }
      assert.ok(err !== undefined && errorTypes(err).includes('INVALID_CONFIG'), `${name}=${value}: expected INVALID_CONFIG, got ${String(err)}`);
    }
    // A rejected alter changed nothing.
    assert.equal((await describeTopic(topic)).get('retention.bytes')?.value, '1000');

    // Broker level: the per-broker and cluster-default layers that topics inherit.
    // kafkajs and librdkafka both refuse an empty BROKER name: the cluster-default layer ('') is
    // covered by src/controller/config-control.test.ts.
    const other = uniqueTopic('cfg-inherit');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic: other, numPartitions: 1 }] });
    await fx.admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.ms', value: '8888888' }] }] });
    assert.deepEqual((await describeTopic(other)).get('retention.ms'), { value: '8888888', source: DYNAMIC_BROKER_CONFIG });
    let ro: unknown;
    try {
      await fx.admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.dirs', value: '/elsewhere' }] }] });
    } catch (e) {
      ro = e;
    }
    assert.ok(ro !== undefined && errorTypes(ro).includes('INVALID_CONFIG'), `read-only broker key: ${String(ro)}`);

    await fx.broker.stop();
    await fx.broker.restart();
    await fx.admin.disconnect();
    await fx.admin.connect();
    assert.deepEqual((await describeTopic(topic)).get('retention.bytes'), { value: '1000', source: TOPIC_CONFIG });
    assert.deepEqual((await describeTopic(other)).get('retention.ms'), { value: '8888888', source: DYNAMIC_BROKER_CONFIG });
    assert.equal(Number((await fx.admin.fetchTopicOffsets(topic))[0]!.low), low);
  });

  it('confluent-kafka-python AdminClient.alter_configs round-trips and rejects a bad value with INVALID_CONFIG', async function () {
    this.timeout(60_000);
    if (clientProblem('confluent-kafka-python') !== null) skipOrFail(this, `confluent-kafka-python: ${clientProblem('confluent-kafka-python')}`);
    const topic = uniqueTopic('cfg-py');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const run = async (set: Record<string, string>): Promise<PyLine[]> => {
      const r = await runProcess(PYTHON, ['-c', PY_ALTER, JSON.stringify({ bootstrap: fx.broker.bootstrap, topic, set })], { timeoutMs: 45_000 });
      assertRanOk(r);
      return parseJsonLines<PyLine>(r.stdout);
    };
    const good = await run({ 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete' });
    assert.equal(good[0]?.ok, true, JSON.stringify(good[0]));
    assert.equal(good[1]?.configs?.['retention.ms']?.value, '3600000');
    assert.equal(good[1]?.configs?.['cleanup.policy']?.value, 'compact,delete');
    const bad = await run({ 'retention.ms': '-7' });
    assert.equal(bad[0]?.ok, false);
    assert.equal(bad[0]?.code, 'INVALID_CONFIG', JSON.stringify(bad[0]));
    assert.match(bad[0]?.message ?? '', /retention\.ms/);
    assert.equal(bad[1]?.configs?.['retention.ms']?.value, '3600000', 'unchanged after the rejected alter');
  });

  it('offsetsForTimes on a CreateTime topic: the earliest offset whose timestamp is >= the target (kafkajs, confluent-kafka-python)', async function () {
    this.timeout(60_000);
    const topic = uniqueTopic('ts-create');
    // Small segments and index interval: the answer comes through the time index across many segments.
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [
      { name: 'segment.bytes', value: '2048' }, { name: 'index.interval.bytes', value: '100' },
    ] }] });
    const base = Date.now() - 1_000_000;
    await produce(topic, 200, (i) => base + i * 10);
    const cases: [number, number][] = [[base - 5, 0], [base, 0], [base + 55, 6], [base + 1000, 100], [base + 1990, 199], [base + 5000, -1]];
    for (const [ts, want] of cases) {
      const got = await fx.admin.fetchTopicOffsetsByTimestamp(topic, ts);
      // kafkajs answers "no such offset" (-1) with the high watermark.
      assert.equal(Number(got[0]!.offset), want === -1 ? 200 : want, `kafkajs at ${ts - base}`);
    }
    if (clientProblem('confluent-kafka-python') !== null) skipOrFail(this, `confluent-kafka-python: ${clientProblem('confluent-kafka-python')}`);
    for (const [ts, want] of cases) {
      const got = await pyOffsetsForTimes(fx.broker.bootstrap, topic, ts);
      assert.equal(got.get(0), want, `confluent-kafka-python at ${ts - base}`);
    }
  });

  it('message.timestamp.type=LogAppendTime: the broker stamps the append time; offsetsForTimes uses it', async function () {
    this.timeout(60_000);
    const topic = uniqueTopic('ts-append');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }] });
    const t0 = Date.now();
    const first = await fx.producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '1', timestamp: '1000' }] });
    await new Promise((r) => setTimeout(r, 50));
    const t1 = Date.now();
    const second = await fx.producer.send({ topic, acks: -1, messages: [{ key: 'b', value: '2', timestamp: '1000' }] });
    const t2 = Date.now();
    const at1 = Number(first[0]!.logAppendTime);
    const at2 = Number(second[0]!.logAppendTime);
    assert.ok(at1 >= t0 && at1 <= t1, `first append time ${at1} in [${t0}, ${t1}]`);
    assert.ok(at2 >= t1 && at2 <= t2, `second append time ${at2} in [${t1}, ${t2}]`);
    assert.equal(Number((await fx.admin.fetchTopicOffsetsByTimestamp(topic, at1 + 1))[0]!.offset), 1);
    assert.equal(Number((await fx.admin.fetchTopicOffsetsByTimestamp(topic, 5000))[0]!.offset), 0, 'the producer timestamp (1000) is ignored');
    const reader = anyReader();
    if (reader === undefined) skipOrFail(this, 'no group-less reader');
    const records = await reader.read(fx.broker.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.timestamp), [at1, at2], `${reader.name} sees the append times`);
  });
});
