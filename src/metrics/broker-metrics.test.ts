/**
 * BrokerMetrics' exposition: the plain counts and the BrokerState snapshot come out under the
 * dashboards' names, lag is high watermark − committed offset, stale series go away, and
 * tributary.metrics.partition.labels=false drops exactly the per-partition series.
 */
import assert from 'node:assert/strict';
import { BrokerMetrics } from './broker-metrics.js';
import type { BrokerState } from './broker-state.js';

function state(over: Partial<BrokerState> = {}): BrokerState {
  return {
    nodeId: 1,
    brokers: [{ id: 1, address: '127.0.0.1:9092' }],
    isActiveController: true,
    partitions: [
      { topic: 'orders', partition: 0, leader: 1, replicas: [1], isr: [1] },
      { topic: 'orders', partition: 1, leader: 1, replicas: [1], isr: [1] },
      { topic: 'gone', partition: 0, leader: -1, replicas: [1, 2], isr: [] },
    ],
    hosted: [
      { topic: 'orders', partition: 0, isLeader: true, logSizeBytes: 1000, logStartOffset: 3, highWatermark: 40, replicas: 1, isr: 1, minIsr: 1 },
      { topic: 'orders', partition: 1, isLeader: true, logSizeBytes: 500, logStartOffset: 0, highWatermark: 25, replicas: 3, isr: 1, minIsr: 2 },
    ],
    offlineReplicas: 1,
    connections: new Map([['PLAINTEXT', 3]]),
    groups: [{ groupId: 'billing', members: 2, offsets: [{ topic: 'orders', partition: 0, offset: 30 }, { topic: 'orders', partition: 1, offset: 25 }, { topic: 'deleted', partition: 0, offset: 5 }] }],
    ...over,
  };
}

function make(partitionLabels: boolean, s: () => BrokerState = () => state()): BrokerMetrics {
  return new BrokerMetrics({ partitionLabels, apiName: (k) => (k === 0 ? 'Produce' : `Api${k}`), state: s, process: { eventLoopTimes: () => ({ activeMs: 1500, idleMs: 500 }), diskIo: () => ({ readBytes: 7, writeBytes: 9 }) } });
}

/** The value of the one line `series` (name plus exact label text), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('BrokerMetrics', () => {
  it('exports the topic counts per topic and for all topics under Strimzi\'s names', async () => {
    const m = make(true);
    const orders = m.topics.topic('orders');
    orders.messagesIn += 7;
    orders.bytesIn += 700;
    m.topics.allTopics.messagesIn += 9;
    m.topics.allTopics.bytesIn += 900;
    const text = await m.render();
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_messagesin_total{topic="orders"}'), 7);
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_messagesin_total'), 9);
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_bytesin_total{topic="orders"}'), 700);
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_failedfetchrequests_total{topic="orders"}'), 0);
    assert.match(text, /^# TYPE kafka_server_brokertopicmetrics_bytesout_total counter$/m);
    m.topics.removeTopic('orders');
    assert.equal(value(await m.render(), 'kafka_server_brokertopicmetrics_messagesin_total{topic="orders"}'), undefined, 'a deleted topic\'s series goes');
  });

  it('exports replica, controller, log, connection and kafka_exporter gauges from the state', async () => {
    const text = await make(true).render();
    assert.equal(value(text, 'kafka_server_replicamanager_partitioncount'), 2);
    assert.equal(value(text, 'kafka_server_replicamanager_leadercount'), 2);
    assert.equal(value(text, 'kafka_server_replicamanager_underminisrpartitioncount'), 1);
    assert.equal(value(text, 'kafka_server_replicamanager_offlinereplicacount'), 1);
    assert.equal(value(text, 'kafka_controller_kafkacontroller_offlinepartitionscount'), 1);
    assert.equal(value(text, 'kafka_controller_kafkacontroller_globaltopiccount'), 2);
    assert.equal(value(text, 'kafka_controller_kafkacontroller_globalpartitioncount'), 3);
    assert.equal(value(text, 'kafka_log_log_size{topic="orders",partition="0"}'), 1000);
    assert.equal(value(text, 'kafka_server_socketservermetrics_connection_count{listener="PLAINTEXT"}'), 3);
    assert.equal(value(text, 'kafka_topic_partitions{topic="orders"}'), 2);
    assert.equal(value(text, 'kafka_topic_partition_current_offset{topic="orders",partition="0"}'), 40);
    assert.equal(value(text, 'kafka_topic_partition_oldest_offset{topic="orders",partition="0"}'), 3);
    assert.equal(value(text, 'kafka_brokers'), 1);
    assert.equal(value(text, 'kafka_broker_info{id="1",address="127.0.0.1:9092"}'), 1);
    assert.equal(value(text, 'kafka_server_socket_server_metrics_connection_count{listener="PLAINTEXT",networkProcessor="0"}'), 3, 'Strimzi\'s name for it too');
    assert.equal(value(text, 'kafka_cluster_partition_replicascount{topic="orders",partition="1"}'), 3);
    assert.equal(value(text, 'kafka_cluster_partition_underminisr{topic="orders",partition="1"}'), 1);
    assert.equal(value(text, 'kafka_cluster_partition_atminisr{topic="orders",partition="0"}'), 1);
    assert.equal(value(text, 'kafka_cluster_partition_underreplicated{topic="orders",partition="1"}'), 1);
    assert.equal(value(text, 'kafka_topic_partition_leader_is_preferred{topic="orders",partition="0"}'), 1);
    assert.equal(value(text, 'kafka_topic_partition_leader_is_preferred{topic="gone",partition="0"}'), 0, 'no leader');
    assert.equal(value(text, 'kafka_controller_controllerstats_uncleanleaderelections_total'), 0);
  });

  it('exports the replication throttles\' byte rates as LeaderReplication / FollowerReplication byte-rate', async () => {
    const text = await make(true, () => state({ replicationByteRates: { leader: 1234.5, follower: 0 } })).render();
    assert.equal(value(text, 'kafka_server_leaderreplication_byte_rate'), 1234.5);
    assert.equal(value(text, 'kafka_server_followerreplication_byte_rate'), 0);
  });

  it('consumer lag is high watermark − committed offset, per partition and summed per topic', async () => {
    const text = await make(true).render();
    assert.equal(value(text, 'kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"}'), 10);
    assert.equal(value(text, 'kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="1"}'), 0);
    assert.equal(value(text, 'kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"}'), 10);
    assert.equal(value(text, 'kafka_consumergroup_current_offset{consumergroup="billing",topic="orders",partition="0"}'), 30);
    assert.equal(value(text, 'kafka_consumergroup_current_offset_sum{consumergroup="billing",topic="orders"}'), 55);
    assert.equal(value(text, 'kafka_consumergroup_members{consumergroup="billing"}'), 2);
    assert.doesNotMatch(text, /topic="deleted"/, 'a commit for a partition not hosted here has no lag');
  });

  it('only the active controller reports the cluster-wide series (each exists once in a cluster)', async () => {
    const text = await make(true, () => state({ isActiveController: false })).render();
    for (const name of ['kafka_topic_partitions', 'kafka_topic_partition_replicas', 'kafka_broker_info']) assert.doesNotMatch(text, new RegExp(`^${name}\\{`, 'm'), name);
    // Unlabelled gauges read 0 elsewhere, as Kafka's controller gauges on an inactive controller.
    for (const name of ['kafka_brokers', 'kafka_controller_kafkacontroller_globaltopiccount']) assert.equal(value(text, name), 0, name);
    assert.equal(value(text, 'kafka_controller_kafkacontroller_activecontrollercount'), 0);
    assert.equal(value(text, 'kafka_server_replicamanager_partitioncount'), 2, 'its own replicas it still reports');
  });

  it('a group that disappears leaves no series behind', async () => {
    let s = state();
    const m = make(true, () => s);
    assert.match(await m.render(), /consumergroup="billing"/);
    s = state({ groups: [] });
    assert.doesNotMatch(await m.render(), /consumergroup="billing"/);
  });

  it('partition.labels=false drops the per-partition series and keeps the sums', async () => {
    const text = await make(false).render();
    for (const name of ['kafka_log_log_size', 'kafka_consumergroup_lag', 'kafka_consumergroup_current_offset', 'kafka_topic_partition_current_offset', 'kafka_topic_partition_oldest_offset']) {
      assert.doesNotMatch(text, new RegExp(`^${name}\\{`, 'm'), name);
    }
    assert.equal(value(text, 'kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"}'), 10);
    assert.equal(value(text, 'kafka_topic_partitions{topic="orders"}'), 2);
  });

  it('request counts by version and latency histograms (cumulative buckets, sum, count) in ms', async () => {
    const m = make(true);
    const t = (totalMs: number) => ({ queueMs: 0.1, localMs: totalMs - 0.2, remoteMs: 0, responseQueueMs: 0.05, responseSendMs: 0.05, totalMs });
    m.requests.record(0, 9, t(0.4));
    m.requests.record(0, 9, t(3));
    m.requests.record(0, 7, t(700));
    const text = await m.render();
    assert.equal(value(text, 'kafka_network_requestmetrics_requests_total{request="Produce",version="9"}'), 2);
    assert.equal(value(text, 'kafka_network_requestmetrics_requests_total{request="Produce",version="7"}'), 1);
    assert.match(text, /^# TYPE kafka_network_requestmetrics_totaltimems histogram$/m);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="0.5"}'), 1);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="5"}'), 2);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="1000"}'), 3);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="+Inf"}'), 3);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_count{request="Produce"}'), 3);
    assert.equal(value(text, 'kafka_network_requestmetrics_totaltimems_sum{request="Produce"}'), 703.4);
    assert.equal(value(text, 'kafka_network_requestmetrics_requestqueuetimems_count{request="Produce"}'), 3);
  });

  it('includes the process metrics and the event loop\'s busy and idle seconds', async () => {
    const text = await make(true).render();
    assert.match(text, /^nodejs_heap_size_used_bytes \d/m);
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds /m);
    assert.match(text, /^process_cpu_seconds_total /m);
    assert.ok((value(text, 'nodejs_eventloop_active_seconds_total') ?? 0) > 0);
    assert.ok((value(text, 'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent') ?? -1) >= 0);
    assert.ok((value(text, 'kafka_network_socketserver_networkprocessoravgidle_percent') ?? 2) <= 1);
    assert.match(text, /^kafka_server_kafkaserver_linux_disk_write_bytes \d+$/m);
  });
});
