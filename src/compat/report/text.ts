/**
 * The matrix for a terminal or a CI log: an aligned grid (pass / FAIL / - for not run), then one
 * line per cell that did not pass saying why, then the summary.
 */
import type { MatrixResult } from '../runner.js';
import { cellText, clientHeader, endpointLine, rows, summaryLine } from './cells.js';

export function formatText(m: MatrixResult): string {
  const head = ['capability', ...m.clients.map(clientHeader)];
  const body = rows(m).map((r) => [r.title, ...r.cells.map((c) => (c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'FAIL' : '-'))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [
    `tributary compat ${m.tool.version} against ${endpointLine(m)}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
  ];
  const notes = rows(m).flatMap((r) => r.cells.filter((c) => c.status !== 'pass').map((c) => `  ${r.id} × ${c.client}: ${cellText(c)}`));
  if (notes.length > 0) out.push('Not passed:', ...notes, '');
  for (const c of m.clients.filter((cl) => cl.problem !== undefined)) out.push(`${c.title}: ${c.problem} (install: ${c.install})`);
  for (const p of m.cleanupProblems) out.push(`cleanup: ${p}`);
  out.push(summaryLine(m));
  return out.join('\n') + '\n';
}
