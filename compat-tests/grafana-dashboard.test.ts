/**
 * Lint of grafana/: every panel (and template variable) uses the provisioned Prometheus
 * datasource, and every query — panels, variables, the README's example queries — names only
 * metrics a node's /metrics actually exposes. Needs no Prometheus (the live run of the same
 * queries is metrics-prometheus.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type RunningNode } from '../src/index.js';
import { dashboardQueries, dashboards, exposedNames, GRAFANA_DIR, metricNames, provisionedDatasourceUid, queryPanels, readmeQueries } from './support/grafana.js';

/**
 * The Kafka-side metric names Strimzi's own dashboards read (strimzi-kafka.json with its
 * JMX-exporter rules, strimzi-kafka-exporter.json over kafka_exporter), so those dashboards work
 * unchanged. Their JVM and Kubernetes series (jvm_*, container_*, kubelet_*) have no Node
 * counterpart by those names; nodejs_* and process_* stand in.
 */
const STRIMZI_DASHBOARD_NAMES = [
  'kafka_server_replicamanager_leadercount', 'kafka_controller_kafkacontroller_activecontrollercount',
  'kafka_controller_controllerstats_uncleanleaderelections_total', 'kafka_server_replicamanager_partitioncount',
  'kafka_server_replicamanager_underreplicatedpartitions', 'kafka_cluster_partition_atminisr', 'kafka_cluster_partition_underminisr',
  'kafka_controller_kafkacontroller_offlinepartitionscount', 'process_cpu_seconds_total', 'process_open_fds',
  'kafka_server_brokertopicmetrics_bytesin_total', 'kafka_server_brokertopicmetrics_bytesout_total',
  'kafka_server_brokertopicmetrics_messagesin_total', 'kafka_server_brokertopicmetrics_totalproducerequests_total',
  'kafka_server_brokertopicmetrics_failedproducerequests_total', 'kafka_server_brokertopicmetrics_totalfetchrequests_total',
  'kafka_server_brokertopicmetrics_failedfetchrequests_total', 'kafka_network_socketserver_networkprocessoravgidle_percent',
  'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent', 'kafka_server_kafkaserver_linux_disk_write_bytes',
  'kafka_server_kafkaserver_linux_disk_read_bytes', 'kafka_server_socket_server_metrics_connection_count', 'kafka_log_log_size',
  'kafka_cluster_partition_replicascount',
  // strimzi-kafka-exporter.json
  'kafka_broker_info', 'kafka_topic_partitions', 'kafka_topic_partition_replicas', 'kafka_topic_partition_in_sync_replica',
  'kafka_topic_partition_under_replicated_partition', 'kafka_topic_partition_leader_is_preferred', 'kafka_consumergroup_current_offset',
  'kafka_consumergroup_lag', 'kafka_topic_partition_current_offset', 'kafka_topic_partition_oldest_offset',
];

describe('grafana/ dashboard lint', () => {
  let node: RunningNode;
  let exposed: Set<string>;

  before(async () => {
    node = await startNode();
    const url = node.metricsUrls[0];
    assert.ok(url !== undefined, 'startNode() serves metrics by default');
    exposed = exposedNames(await (await fetch(url)).text());
  });

  after(async () => {
    await node?.stop();
  });

  it('the lint itself: metric names are read out of PromQL, and a wrong name is not "exposed"', () => {
    assert.deepEqual(metricNames('sum by (topic) (rate(foo_total{topic=~"$topic",x!=""}[5m])) / ignoring (le) bar'), ['foo_total', 'bar']);
    assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (request, le) (rate(a_bucket[$__rate_interval])))'), ['a_bucket']);
    assert.ok(exposed.has('kafka_server_brokertopicmetrics_messagesin_total'));
    assert.ok(!exposed.has('kafka_server_brokertopicmetrics_messagesin'), 'a counter is exposed only under its _total name');
    assert.ok(exposed.has('kafka_network_requestmetrics_totaltimems_bucket'), 'histograms are exposed as _bucket/_sum/_count');
  });

  it('has a dashboard, a datasource provider and a dashboard provider', () => {
    assert.ok(dashboards().length >= 1);
    assert.ok(existsSync(join(GRAFANA_DIR, 'provisioning', 'dashboards', 'tributary.yaml')));
    assert.equal(provisionedDatasourceUid(), 'tributary-prometheus');
  });

  it('every panel, target and variable uses the provisioned datasource', () => {
    const uid = provisionedDatasourceUid();
    const wrong: string[] = [];
    for (const { file, dashboard } of dashboards()) {
      for (const p of queryPanels(dashboard)) {
        if (p.datasource?.uid !== uid || p.datasource.type !== 'prometheus') wrong.push(`${file} › ${p.title}: ${JSON.stringify(p.datasource)}`);
        for (const t of p.targets ?? []) if (t.datasource !== undefined && t.datasource.uid !== uid) wrong.push(`${file} › ${p.title} › ${t.refId}: ${JSON.stringify(t.datasource)}`);
        if ((p.targets ?? []).length === 0) wrong.push(`${file} › ${p.title}: no query`);
      }
      for (const v of dashboard.templating?.list ?? []) if (v.type === 'query' && v.datasource?.uid !== uid) wrong.push(`${file} › $${v.name}: ${JSON.stringify(v.datasource)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('exposes every Kafka metric name Strimzi\'s Kafka and Kafka Exporter dashboards read', () => {
    assert.deepEqual(STRIMZI_DASHBOARD_NAMES.filter((n) => !exposed.has(n)), []);
  });

  it('every query (panels, variables, README examples) names only metrics /metrics exposes', () => {
    const queries = [...dashboardQueries(), ...readmeQueries()];
    assert.ok(queries.length >= 30, `found only ${queries.length} queries`);
    const wrong: string[] = [];
    for (const q of queries) {
      const names = metricNames(q.expr);
      if (names.length === 0) wrong.push(`${q.where}: reads no metric`);
      for (const n of names) if (!exposed.has(n)) wrong.push(`${q.where}: ${n}`);
    }
    assert.deepEqual(wrong, []);
  });
});
