/**
 * JUnit XML for CI systems: one <testsuite> per capability, one <testcase> per client; a failed cell
 * is a <failure>, a cell not run is <skipped> with why.
 */
import type { MatrixResult } from '../runner.js';
import { clientHeader, rows } from './cells.js';

function x(s: string): string {
  // XML 1.0 forbids most control characters even as references.
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

export function formatJunit(m: MatrixResult): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = m.summary;
  out.push(`<testsuites name="tributary compat ${x(m.endpoint.bootstrap)}" tests="${m.cells.length}" failures="${s.fail}" errors="0" skipped="${s.notRun + s.notApplicable}" time="${secs(m.durationMs)}">`);
  for (const r of rows(m)) {
    const fails = r.cells.filter((c) => c.status === 'fail').length;
    const skipped = r.cells.filter((c) => c.status === 'not-run' || c.status === 'not-applicable').length;
    const time = r.cells.reduce((t, c) => t + c.durationMs, 0);
    out.push(`  <testsuite name="${x(r.title)}" id="${x(r.id)}" tests="${r.cells.length}" failures="${fails}" errors="0" skipped="${skipped}" time="${secs(time)}">`);
    for (const c of r.cells) {
      const client = m.clients.find((cl) => cl.id === c.client);
      const name = client === undefined ? c.client : clientHeader(client);
      const open = `    <testcase classname="compat.${x(r.id)}" name="${x(name)}" time="${secs(c.durationMs)}"`;
      if (c.status === 'pass') out.push(`${open}/>`);
      else if (c.status === 'fail') {
        out.push(`${open}>`, `      <failure message="${x(c.reason ?? '')}">${x(c.detail ?? c.reason ?? '')}</failure>`, '    </testcase>');
      } else out.push(`${open}>`, `      <skipped message="${x(c.reason ?? '')}"/>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
