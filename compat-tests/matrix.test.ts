/**
 * The compatibility matrix as mocha tests: every capability in src/compat/capabilities/ × every
 * client, one `it` per cell, against a Tributary broker process — the same definitions
 * `tributary compat` runs (no test exists twice). A cell that cannot run here (client absent, an
 * optional codec module missing, capability not advertised) is skipped with the reason, except
 * under CI=true, where it fails: CI installs every client. Cells that do not apply to a client
 * (kcat has no admin API) get no `it`.
 *
 * Run one row or one cell with mocha's --grep, e.g. --grep 'compression: zstd' or --grep 'kcat'.
 */
import { BrokerProcess, START_TIMEOUT_MS } from './support/broker-process.js';
import { isCi, printBrokerLogOnFailure } from './support/helpers.js';
import { CLIENT_IDS, CONTROLLED_BROKER_CONFIG, DEFAULT_CELL_TIMEOUT_MS } from '../src/compat/capability.js';
import { loadCapabilities } from '../src/compat/capabilities/index.js';
import { restartControls } from '../src/compat/restart-controls.js';
import { CompatSession } from '../src/compat/runner.js';
import { MatrixRecorder } from './support/matrix-output.js';
import { rowCells } from './support/row-cells.js';

const capabilities = await loadCapabilities();

describe('compat matrix: capabilities × clients against a broker process', function () {
  let broker: BrokerProcess | undefined;
  const recorder = new MatrixRecorder('COMPAT_MATRIX_MARKDOWN');
  let session: CompatSession | undefined;

  before(async function () {
    this.timeout(60_000);
    const config = { ...CONTROLLED_BROKER_CONFIG };
    const b = await BrokerProcess.start({ overrides: config });
    broker = b;
    const controls = restartControls(b, (line) => console.log(`      ${line}`));
    session = await CompatSession.open({
      bootstrap: b.bootstrap,
      controlled: { nodeId: Number(config['node.id']), clusterId: b.clusterId, config, logDir: b.logDir },
      restart: controls.restart,
      ensureRunning: controls.ensureRunning,
    });
    for (const c of session.clients) {
      console.log(`      [compat] ${c.title}: ${c.version ?? `absent (${c.problem}; ${c.install})`}`);
    }
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });

  after(async function () {
    this.timeout(30_000);
    await recorder.writeIfAsked(session, capabilities);
    const problems = await session?.close();
    await broker?.cleanup();
    if (problems !== undefined && problems.length > 0) throw new Error(problems.join('\n'));
  });

  for (const cap of capabilities) {
    describe(cap.title, function () {
      const cells = rowCells(() => session!, cap);
      for (const client of CLIENT_IDS) {
        const cell = cap.cells[client];
        if (cell === undefined || typeof cell !== 'function') continue;
        it(client, async function () {
          // A restart row's deadline moves by the time its restarts took (each bounded by START_TIMEOUT_MS).
          this.timeout((cap.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS) + (cap.needsRestart === true ? 4 * START_TIMEOUT_MS : 30_000));
          const r = await cells.run(client);
          recorder.record(cap, client, r);
          if (r.status === 'pass') return;
          if (r.status === 'fail') {
            const e = new Error(r.reason ?? 'failed');
            e.stack = r.detail ?? r.reason;
            throw e;
          }
          const why = `${cap.id} × ${client}: ${r.reason ?? 'not run'}`;
          if (isCi()) throw new Error(`${why}; CI=true, so a cell that cannot run is a failure`);
          console.log(`      [compat] SKIP: ${why}`);
          this.skip();
        });
      }
    });
  }
});
