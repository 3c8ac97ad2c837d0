/** The matrix as a Markdown table (the README's compatibility section is this output). */
import type { MatrixResult } from '../runner.js';
import { cellText, clientHeader, endpointLine, rows, summaryLine } from './cells.js';

function esc(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function formatMarkdown(m: MatrixResult): string {
  const head = ['capability', ...m.clients.map(clientHeader)];
  const lines = [
    `Compatibility of ${esc(endpointLine(m, true))}, as measured by \`tributary compat\`:`,
    '',
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows(m).map((r) => `| ${esc(r.title)} | ${r.cells.map((c) => esc(cellText(c))).join(' | ')} |`),
    '',
    `${summaryLine(m)}.`,
  ];
  return lines.join('\n') + '\n';
}
