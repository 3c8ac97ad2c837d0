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
