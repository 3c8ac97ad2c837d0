/**
 * Apache Kafka as the oracle: the compatibility cells are checked against a real Apache Kafka
 * 4.3.1 (one KRaft node started by src/compat/jvm/kafka-process.ts, with the settings the run gives
 * its own Tributary), so a cell that passes only on Tributary fails here. A fixed subset of rows:
 * those that do not restart the broker and finish in seconds (about 3-5 minutes in all); the whole
 * matrix against Kafka is `tributary compat --broker kafka` (.ci/run prints it).
 *
 * Needs Kafka's jars in the cache (`npx tributary compat --install-clients`) and java; without them
 * the suite is skipped, except under CI=true, where that is a failure.
 */
import { CONTROLLED_BROKER_CONFIG } from '../src/compat/capability.js';
import { loadCapabilities } from '../src/compat/capabilities/index.js';
import { KafkaProcess, kafkaClasspath } from '../src/compat/jvm/kafka-process.js';
import { INSTALL_HINT } from '../src/compat/jvm/maven.js';
import { CompatSession } from '../src/compat/runner.js';
import { KAFKA_CLUSTER_STARTER } from '../src/compat/row-cluster.js';
import { MatrixRecorder } from './support/matrix-output.js';
import { defineCellTests } from './support/cell-tests.js';
import { isCi, printBrokerLogOnFailure } from './support/helpers.js';

/** The rows checked against Kafka in `npm test`: no restart, seconds per cell. */
export const ORACLE_ROWS = [
  'cluster-metadata', 'produce-acks', 'idempotent-producer', 'compression-gzip', 'compression-zstd', 'record-fields',
  'offsets-by-time', 'offsets-by-time-segments', 'fetch-long-poll', 'admin-topics', 'admin-configs', 'configs-alter',
  'auto-create', 'message-too-large', 'interop', 'consumer-groups', 'static-membership', 'consumer-offsets-format',
  'retention-time', 'retention-size', 'delete-records', 'compaction', 'configs-live', 'log-append-time',
  'transactions', 'txn-send-offsets', 'txn-fencing', 'txn-timeout', 'metadata-quorum',
  // Cluster rows: a 3-node Kafka cluster per row (about a minute to start), seconds of traffic per cell.
  'leader-failover-produce-consume', 'leader-failover-transactions',
] as const;

const capabilities = (await loadCapabilities()).filter((c) => (ORACLE_ROWS as readonly string[]).includes(c.id));

describe('compat cells against Apache Kafka (the oracle)', function () {
  let kafka: KafkaProcess | undefined;
  const recorder = new MatrixRecorder('COMPAT_KAFKA_MATRIX_MARKDOWN');
  let session: CompatSession | undefined;

  before(async function () {
    this.timeout(240_000);
    const cp = kafkaClasspath();
    if ('problem' in cp) {
      const msg = `Apache Kafka cannot be started here: ${cp.problem}`;
      if (isCi()) throw new Error(`${msg}; CI=true, so this is a failure`);
      console.log(`      [compat] SKIP: ${msg}. Fetch the jars with: ${INSTALL_HINT}`);
      this.skip();
    }
    const config = { ...CONTROLLED_BROKER_CONFIG };
    kafka = await KafkaProcess.start({ overrides: config });
    session = await CompatSession.open({
      bootstrap: kafka.bootstrap,
      product: kafka.product,
      controlled: { nodeId: Number(config['node.id']), clusterId: kafka.clusterId, config, logDir: kafka.logDir },
      cluster: KAFKA_CLUSTER_STARTER,
    });
    for (const c of session.clients) {
      console.log(`      [compat] ${c.title}: ${c.version ?? `absent (${c.problem}; ${c.install})`}`);
    }
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, kafka);
  });

  after(async function () {
    this.timeout(60_000);
    await recorder.writeIfAsked(session, capabilities);
    const problems = await session?.close();
    await kafka?.cleanup();
    if (problems !== undefined && problems.length > 0) throw new Error(problems.join('\n'));
  });

  it('checks every row it names', function () {
    const missing = ORACLE_ROWS.filter((id) => !capabilities.some((c) => c.id === id));
    if (missing.length > 0) throw new Error(`no such capability: ${missing.join(', ')}`);
  });

  defineCellTests(capabilities, () => session!, recorder, { where: ' on Apache Kafka' });
});
