/**
 * A node's /metrics end to end, in process: kafkajs produces and consumes, and the counters,
 * request metrics (with a fetch's long-poll counted as remote time) and connection count say so;
 * an empty tributary.metrics.listeners serves nothing.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startNode } from './index.js';

const { Kafka, logLevel } = kafkajs;

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('node metrics (/metrics of an embedded node)', function () {
  this.timeout(30_000);

  it('counts what kafkajs produced and fetched, times requests by API, and counts connections', async () => {
    const node = await startNode({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    const url = node.metricsUrls[0] as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const kafka = new Kafka({ clientId: 'metrics', brokers: [node.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'metrics-g', maxWaitTimeInMs: 300 });
    try {
      await producer.connect();
      await producer.send({ topic: 'm', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
      await consumer.connect();
      await consumer.subscribe({ topic: 'm', fromBeginning: true });
      let seen = 0;
      await consumer.run({ eachMessage: async () => void seen++ });
      const deadline = Date.now() + 15_000;
      let text = '';
      // Read until the consumer has had all 10 and has parked at least one empty fetch.
      while (Date.now() < deadline) {
        text = await (await fetch(url)).text();
        if (seen === 10 && (value(text, 'kafka_network_requestmetrics_remotetimems_sum{request="Fetch"}') ?? 0) > 100) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(value(text, 'kafka_server_brokertopicmetrics_messagesin_total{topic="m"}'), 10);
      assert.equal(value(text, 'kafka_server_brokertopicmetrics_totalproducerequests_total{topic="m"}'), 1, 'the produce that auto-created the topic was not counted under it');
      assert.ok((value(text, 'kafka_server_brokertopicmetrics_bytesout_total{topic="m"}') ?? 0) > 0);
      assert.ok((value(text, 'kafka_network_requestmetrics_requests_total{request="Produce",version="7"}') ?? 0) >= 1, 'kafkajs 2 produces with v7');
      assert.ok((value(text, 'kafka_network_requestmetrics_totaltimems_count{request="Metadata"}') ?? 0) >= 1);
      assert.ok((value(text, 'kafka_network_requestmetrics_remotetimems_sum{request="Fetch"}') ?? 0) > 100, 'an empty fetch parks for max.wait: remote time');
      assert.equal(value(text, 'kafka_network_requestmetrics_remotetimems_sum{request="Produce"}'), 0);
      assert.ok((value(text, 'kafka_server_socketservermetrics_connection_count{listener="PLAINTEXT"}') ?? 0) >= 2);
      assert.equal(value(text, 'kafka_consumergroup_members{consumergroup="metrics-g"}'), 1);
      // The metadata quorum (raft-metrics): a combined node leads its one-voter quorum.
      assert.equal(value(text, 'kafka_server_raftmetrics_current_state{current_state="leader"}'), 1);
      assert.equal(value(text, 'kafka_server_raftmetrics_current_leader'), node.nodeId);
      assert.ok((value(text, 'kafka_server_raftmetrics_current_epoch') ?? 0) >= 1);
      const raftHw = value(text, 'kafka_server_raftmetrics_high_watermark') ?? -1;
      assert.ok(raftHw >= 2 && raftHw === value(text, 'kafka_server_raftmetrics_log_end_offset'), 'every metadata record committed (topics were created)');
      assert.equal((await fetch(url.replace('/metrics', '/'))).status, 404);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await node.stop();
    }
    await assert.rejects(fetch(url), 'stop() closes the metrics listener');
  });

  it('an empty tributary.metrics.listeners serves no metrics', async () => {
    const node = await startNode({ config: { 'tributary.metrics.listeners': '' } });
    try {
      assert.deepEqual(node.metricsUrls, []);
    } finally {
      await node.stop();
    }
  });
});
