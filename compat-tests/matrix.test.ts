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
import { printBrokerLogOnFailure } from './support/helpers.js';
import { CONTROLLED_BROKER_CONFIG } from '../src/compat/capability.js';
import { loadCapabilities } from '../src/compat/capabilities/index.js';
import { restartControls } from '../src/compat/restart-controls.js';
import { CompatSession } from '../src/compat/runner.js';
import { TRIBUTARY_CLUSTER_STARTER } from '../src/cli/compat-cluster.js';
import { MatrixRecorder } from './support/matrix-output.js';
import { defineCellTests } from './support/cell-tests.js';

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
      // Cluster rows (leader failover) start a 3-node Tributary cluster for the row.
      cluster: TRIBUTARY_CLUSTER_STARTER,
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

  // A restart row's deadline moves by the time its restarts took (each bounded by START_TIMEOUT_MS).
  defineCellTests(capabilities, () => session!, recorder, { restartAllowanceMs: 4 * START_TIMEOUT_MS });
});
