/**
 * Reads grafana/ and the README's "Metrics" section: every PromQL expression a user will run
 * (dashboard panels, template variables, README examples), made runnable against Prometheus'
 * API (Grafana's variables replaced), and the metric names each expression reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/compat/package-root.js';

export const GRAFANA_DIR = join(PACKAGE_ROOT, 'grafana');

export interface PanelQuery {
  /** Where it came from, for messages: "dashboard tributary.json › panel title › A". */
  readonly where: string;
  readonly expr: string;
}

interface Target { refId?: string; expr?: string; datasource?: { type?: string; uid?: string } }
export interface Panel { id?: number; type: string; title: string; datasource?: { type?: string; uid?: string }; targets?: Target[]; panels?: Panel[] }
interface Variable { name: string; type: string; datasource?: { uid?: string }; query?: string | { query?: string }; definition?: string }
export interface Dashboard { title: string; panels: Panel[]; templating?: { list: Variable[] } }

export function dashboards(): { file: string; dashboard: Dashboard }[] {
  const dir = join(GRAFANA_DIR, 'dashboards');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Panels with queries (rows' nested panels included). */
export function queryPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]));
}

/** The provisioned datasource's uid (grafana/provisioning/datasources/*.yaml). */
export function provisionedDatasourceUid(): string {
  const dir = join(GRAFANA_DIR, 'provisioning', 'datasources');
  const uids = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s+uid:\s*(\S+)\s*$/gm)].map((m) => m[1] ?? ''));
  if (uids.length !== 1) throw new Error(`expected one provisioned datasource uid, found ${JSON.stringify(uids)}`);
  return uids[0] as string;
}

/** Grafana's variables as a query over everything: `$topic` → `.*`, `$__rate_interval` → a range. */
export function runnable(expr: string, rateInterval = '15s'): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, rateInterval).replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, '.*');
}

/** label_values(metric, label) → a PromQL query with the same answer set. */
function variableQuery(v: Variable): string | null {
  const q = typeof v.query === 'string' ? v.query : v.query?.query ?? v.definition ?? '';
  const m = /^label_values\(\s*([^,]+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q.trim());
  return m === null ? null : `group by (${m[2]}) (${m[1]})`;
}

export function dashboardQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const { file, dashboard } of dashboards()) {
    for (const p of queryPanels(dashboard)) {
      for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ where: `${file} › ${p.title} › ${t.refId ?? '?'}`, expr: t.expr });
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (v.type !== 'query') continue;
      const q = variableQuery(v);
      if (q === null) throw new Error(`${file}: variable ${v.name} is not label_values(metric, label)`);
      out.push({ where: `${file} › variable $${v.name}`, expr: q });
    }
  }
  return out;
}

/** The README's example queries: the ```promql blocks of its "Metrics" section, one per line. */
export function readmeQueries(): PanelQuery[] {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const section = /^## Metrics\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Metrics" section');
  const out: PanelQuery[] = [];
  for (const block of section.matchAll(/```promql\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      const expr = line.replace(/#.*$/, '').trim();
      if (expr !== '') out.push({ where: `README.md › Metrics › ${expr}`, expr });
    }
  }
  return out;
}

const PROMQL_WORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan',
]);

/**
 * The metric names an expression reads: identifiers that are not functions (followed by `(`),
 * keywords, label names (inside `{…}`, `by (…)`), strings, durations or numbers.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice((m.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word)) continue;
    names.add(word);
  }
  return [...names];
}

/** Metric names a Prometheus text exposition offers (histogram families as their _bucket/_sum/_count). */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    if (name === undefined) continue;
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      if (type === 'histogram') names.add(`${name}_bucket`);
      else names.add(name);
    } else {
      names.add(name);
    }
  }
  return names;
}
