/** How a cell and a client column are written, the same in every format. */
import type { CellResult, ClientStatus, MatrixResult } from '../runner.js';

/** "pass", "FAIL: <first line>", "not run: <why>". */
export function cellText(c: CellResult): string {
  switch (c.status) {
    case 'pass': return 'pass';
    case 'fail': return `FAIL: ${c.reason ?? ''}`;
    default: return `not run: ${c.reason ?? ''}`;
  }
}

/** "kcat 1.7.1 (librdkafka 2.0.2)" or "kcat (absent)". */
export function clientHeader(c: ClientStatus): string {
  return c.version === undefined ? `${c.title} (absent)` : `${c.title} ${c.version}`;
}

/** What was tested; `stable` leaves out what changes from run to run (port, cluster id), for a README. */
export function endpointLine(m: MatrixResult, stable = false): string {
  const e = m.endpoint;
  const fresh = `a fresh ${e.product ?? `Tributary ${m.tool.version}`}`;
  if (stable) return e.startedByRun ? fresh : e.bootstrap;
  const what = e.startedByRun ? `${fresh} started by the run (${e.bootstrap})` : e.bootstrap;
  return `${what}, cluster ${e.clusterId ?? 'unknown'}, ${e.brokers.length} broker${e.brokers.length === 1 ? '' : 's'}`;
}

export function summaryLine(m: MatrixResult): string {
  const s = m.summary;
  return `${s.pass} passed, ${s.fail} failed, ${s.notRun + s.notApplicable} not run`;
}

/** The rows: capability title and its cells in client-column order. */
export function rows(m: MatrixResult): { id: string; title: string; cells: CellResult[] }[] {
  return m.capabilities.map((cap) => ({
    id: cap.id,
    title: cap.title,
    cells: m.clients.map((cl) => m.cells.find((c) => c.capability === cap.id && c.client === cl.id)
      ?? { capability: cap.id, client: cl.id, status: 'not-run' as const, reason: 'not run', durationMs: 0 }),
  }));
}
