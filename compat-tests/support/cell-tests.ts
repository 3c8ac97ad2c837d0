/**
 * One mocha `it` per compatibility cell, for the suites that run the matrix against a broker
 * (matrix.test.ts: Tributary; kafka-oracle.test.ts: Apache Kafka): a failed cell fails with its
 * detail; a cell that cannot run here is skipped with the reason, except under CI=true, where CI
 * installed every client and it fails. Cells that do not apply to a client get no `it`.
 */
import { CLIENT_IDS, DEFAULT_CELL_TIMEOUT_MS, type Capability } from '../../src/compat/capability.js';
import type { CompatSession } from '../../src/compat/runner.js';
import { isCi } from './helpers.js';
import type { MatrixRecorder } from './matrix-output.js';
import { rowCells } from './row-cells.js';

/** Extra time a cluster row's `it` allows for starting the cluster and restarting a killed node. */
const CLUSTER_ALLOWANCE_MS = 300_000;

export interface CellTestOptions {
  /** Shown after "capability × client" in a skip or CI failure (e.g. ' on Apache Kafka'). */
  readonly where?: string;
  /** Extra time a restart row's `it` allows for its restarts (their deadlines move by that much). */
  readonly restartAllowanceMs?: number;
}

export function defineCellTests(capabilities: readonly Capability[], session: () => CompatSession, recorder: MatrixRecorder, opts: CellTestOptions = {}): void {
  for (const cap of capabilities) {
    describe(cap.title, function () {
      const cells = rowCells(session, cap);
      for (const client of CLIENT_IDS) {
        if (typeof cap.cells[client] !== 'function') continue;
        it(client, async function () {
          // A cluster row's first cell starts the row's cluster (three JVMs, for Kafka), and every
          // cell starts its killed node again afterwards: neither counts in the cell's time limit.
          const allowance = cap.needsRestart === true ? opts.restartAllowanceMs ?? 30_000 : cap.needsCluster !== undefined ? CLUSTER_ALLOWANCE_MS : 30_000;
          this.timeout((cap.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS) + allowance);
          const r = await cells.run(client);
          recorder.record(cap, client, r);
          if (r.status === 'pass') return;
          if (r.status === 'fail') {
            const e = new Error(r.reason ?? 'failed');
            e.stack = r.detail ?? r.reason;
            throw e;
          }
          const why = `${cap.id} × ${client}${opts.where ?? ''}: ${r.reason ?? 'not run'}`;
          if (isCi()) throw new Error(`${why}; CI=true, so a cell that cannot run is a failure`);
          console.log(`      [compat] SKIP: ${why}`);
          this.skip();
        });
      }
    });
  }
}
