/**
 * How the mocha matrix suites run a row's cells: one at a time by default, each when its `it` runs
 * (so --grep runs only the cells it names); with COMPAT_ROW_PARALLEL=n (CI sets it), a row's cells
 * start together, n at a time, when the row's first `it` runs, and every `it` awaits its own. Most
 * cells wait on clients and brokers rather than compute, so a row of eight client columns takes a
 * fraction of the time. Rows that restart the broker always run one cell at a time.
 */
import { CLIENT_IDS, type Capability, type ClientId } from '../../src/compat/capability.js';
import type { CellResult, CompatSession } from '../../src/compat/runner.js';

const ROW_PARALLEL = Math.max(1, Number(process.env['COMPAT_ROW_PARALLEL'] ?? '1') || 1);

/** The cell runner of one row: call run(client) from that client's `it`. */
export function rowCells(session: () => CompatSession, cap: Capability): { run(client: ClientId): Promise<CellResult> } {
  let started: Map<ClientId, Promise<CellResult>> | undefined;
  return {
    run(client) {
      if (ROW_PARALLEL <= 1 || cap.needsRestart === true) return session().runCell(cap, client);
      started ??= startRow(session(), cap);
      return started.get(client) ?? session().runCell(cap, client);
    },
  };
}

function startRow(session: CompatSession, cap: Capability): Map<ClientId, Promise<CellResult>> {
  const out = new Map<ClientId, Promise<CellResult>>();
  const done: Promise<void>[] = [];
  for (const client of CLIENT_IDS.filter((c) => typeof cap.cells[c] === 'function')) {
    // At most n at once: cell i starts when cell i-n has finished.
    const slot = done.length >= ROW_PARALLEL ? done[done.length - ROW_PARALLEL] : undefined;
    const p = (slot ?? Promise.resolve()).then(() => session.runCell(cap, client));
    out.set(client, p);
    done.push(p.then(() => undefined, () => undefined));
  }
  return out;
}
