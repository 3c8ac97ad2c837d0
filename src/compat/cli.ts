/**
 * `tributary compat`: every compatibility capability × every client installed here, against a fresh
 * Tributary (started as a child process of this package's CLI, so restart capabilities can restart
 * it) or against any Kafka endpoint named with --bootstrap. Prints the matrix.
 *
 * Exit status: 0 nothing failed, 1 some cell failed, 2 usage error or the endpoint cannot be reached.
 */
import { writeFile } from 'node:fs/promises';
import { BrokerProcess, type ControlledProcess } from './broker-process.js';
import { CLIENT_IDS, CONTROLLED_BROKER_CONFIG, type ClientId, type ControlledBroker } from './capability.js';
import { loadCapabilities, selectCapabilities } from './capabilities/index.js';
import { installClients } from './install.js';
import { KafkaProcess } from './jvm/kafka-process.js';
import { KAFKA_VERSION } from './jvm/maven.js';
import { restartControls, type RestartControls } from './restart-controls.js';
import { KAFKA_CLUSTER_STARTER, type ClusterStarter } from './row-cluster.js';
import { FORMATS, formatMatrix, type Format } from './report/index.js';
import { CompatSession, runMatrix } from './runner.js';
import { EndpointError, parseHostPort } from '../client/wire-client.js';

export const COMPAT_USAGE = `Usage:
  tributary compat [--bootstrap <host:port> | --broker tributary|kafka]
                   [--format text|markdown|json|junit] [--output <file>]
                   [--only <capability,...>] [--clients <client,...>] [--parallel <n>] [--list]
  tributary compat --install-clients

Runs the compatibility suites with every Kafka client installed here (${CLIENT_IDS.join(', ')})
and prints a matrix: one row per capability, one column per client.
Without --bootstrap a fresh broker is started (and stopped afterwards): Tributary, or with
--broker kafka Apache Kafka ${KAFKA_VERSION} (one KRaft node on loopback, from the jars that
--install-clients fetches; needs java), with the same settings, restart rows included: the
reference every cell must also pass against. Cluster rows (leader failover) start a 3-node
cluster of the same product for the row. With --bootstrap any Kafka-compatible endpoint is
tested, creating only topics and groups named tributary-compat-* and deleting them afterwards.
--install-clients fetches the Java, Go and PyPI clients (and Apache Kafka's jars) into
~/.cache/tributary and Maven's and Go's own caches; Debian's clients come from apt-get.
Exit status: 0 nothing failed, 1 a cell failed, 2 usage or connection error, or the broker to
start did not start.`;

const BROKERS = ['tributary', 'kafka'] as const;
type BrokerKind = (typeof BROKERS)[number];

interface CompatArgs {
  bootstrap?: string;
  broker?: BrokerKind;
  format: Format;
  output?: string;
  only?: string[];
  clients?: ClientId[];
  parallel: number;
  list: boolean;
  installClients: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parseArgs(args: readonly string[]): CompatArgs {
  const a: CompatArgs = { format: 'text', parallel: 4, list: false, installClients: false, help: false };
  for (let i = 0; i < args.length; i++) {
    let arg = args[i] as string;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const list = (): string[] => value().split(',').map((s) => s.trim()).filter((s) => s !== '');
    switch (arg) {
      case '--bootstrap': case '-b': {
        const v = value();
        try {
          parseHostPort(v);
        } catch (e) {
          throw new UsageError(`--bootstrap: ${(e as Error).message}`);
        }
        a.bootstrap = v;
        break;
      }
      case '--broker': {
        const v = value();
        if (!(BROKERS as readonly string[]).includes(v)) throw new UsageError(`--broker must be one of ${BROKERS.join(', ')}, not '${v}'`);
        a.broker = v as BrokerKind;
        break;
      }
      case '--format': case '-f': {
        const v = value();
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${v}'`);
        a.format = v as Format;
        break;
      }
      case '--output': case '-o': a.output = value(); break;
      case '--only': a.only = list(); break;
      case '--clients': {
        const v = list();
        const bad = v.filter((c) => !(CLIENT_IDS as readonly string[]).includes(c));
        if (bad.length > 0) throw new UsageError(`unknown client ${bad.join(', ')}; known: ${CLIENT_IDS.join(', ')}`);
        a.clients = v as ClientId[];
        break;
      }
      case '--parallel': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--parallel needs a positive integer');
        a.parallel = n;
        break;
      }
      case '--list': a.list = true; break;
      case '--install-clients': a.installClients = true; break;
      case '--help': case '-h': a.help = true; break;
      default: throw new UsageError(`unknown argument '${args[i]}'`);
    }
  }
  if (a.bootstrap !== undefined && a.broker !== undefined) throw new UsageError('--broker starts a broker; --bootstrap tests one already running: give one of them');
  return a;
}

/** The broker the run starts with CONTROLLED_BROKER_CONFIG, and how env.restart restarts it. */
async function startControlled(kind: BrokerKind): Promise<{ broker: ControlledProcess; controlled: ControlledBroker; controls: RestartControls }> {
  const config = { ...CONTROLLED_BROKER_CONFIG };
  const broker = kind === 'kafka' ? await KafkaProcess.start({ overrides: config }) : await BrokerProcess.start({ overrides: config });
  const controlled = { nodeId: Number(config['node.id']), clusterId: broker.clusterId, config, logDir: broker.logDir };
  return { broker, controlled, controls: restartControls(broker, (line) => process.stderr.write(line + '\n')) };
}

/** What the caller hands in: how to start a Tributary cluster (compat/ must not import the node files). */
export interface CompatDeps {
  readonly tributaryCluster?: ClusterStarter;
}

export async function compatMain(argv: readonly string[], deps: CompatDeps = {}): Promise<number> {
  let args: CompatArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tributary compat: ${e.message}\n${COMPAT_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(COMPAT_USAGE + '\n');
    return 0;
  }
  if (args.installClients) {
    const problems = await installClients((line) => process.stderr.write(line + '\n'));
    for (const p of problems) process.stderr.write(`tributary compat: ${p}\n`);
    return problems.length > 0 ? 1 : 0;
  }
  const all = await loadCapabilities();
  if (args.list) {
    for (const c of all) process.stdout.write(`${c.id.padEnd(24)} ${c.title}${c.needsRestart === true ? ' (restarts the broker)' : ''}${c.needsCluster !== undefined ? ' (starts a 3-node cluster)' : ''}${c.needsControlledBroker !== undefined ? ' (needs a broker the run controls)' : ''}\n`);
    return 0;
  }
  let capabilities;
  try {
    capabilities = selectCapabilities(all, args.only);
  } catch (e) {
    process.stderr.write(`tributary compat: ${(e as Error).message}\n`);
    return 2;
  }

  let broker: ControlledProcess | undefined;
  const stopBroker = async (): Promise<void> => {
    const b = broker;
    broker = undefined;
    await b?.cleanup();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`tributary compat: ${sig}, stopping\n`);
    void stopBroker().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let bootstrap = args.bootstrap;
    let controlled: ControlledBroker | undefined;
    let controls: RestartControls | undefined;
    let product: string | undefined;
    let cluster: ClusterStarter | undefined;
    if (bootstrap === undefined) {
      const kind = args.broker ?? 'tributary';
      process.stderr.write(`[compat] starting a fresh ${kind === 'kafka' ? `Apache Kafka ${KAFKA_VERSION}` : 'Tributary'}…\n`);
      let started;
      try {
        started = await startControlled(kind);
      } catch (e) {
        process.stderr.write(`tributary compat: ${(e as Error).message}\n`);
        return 2;
      }
      broker = started.broker;
      bootstrap = broker.bootstrap;
      controlled = started.controlled;
      controls = started.controls;
      if (kind === 'kafka') product = broker.product;
      // Cluster rows start their own 3-node cluster of the same product.
      cluster = kind === 'kafka' ? KAFKA_CLUSTER_STARTER : deps.tributaryCluster;
    }
    let session: CompatSession;
    try {
      session = await CompatSession.open({
        bootstrap, controlled, product, clients: args.clients, cluster,
        restart: controls?.restart, ensureRunning: controls?.ensureRunning,
      });
    } catch (e) {
      if (!(e instanceof EndpointError)) throw e;
      process.stderr.write(`tributary compat: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`[compat] ${bootstrap}: ${capabilities.length} capabilities × ${session.clients.length} clients ` +
      `(${session.clients.map((c) => `${c.title} ${c.version ?? 'absent'}`).join(', ')})\n`);
    const result = await runMatrix(session, capabilities, {
      parallel: args.parallel,
      onResult: (r) => {
        if (r.status === 'not-applicable') return;
        const what = r.status === 'pass' ? 'pass' : r.status === 'fail' ? `FAIL: ${r.reason ?? ''}` : `not run: ${r.reason ?? ''}`;
        process.stderr.write(`[compat] ${r.capability} × ${r.client}: ${what} (${(r.durationMs / 1000).toFixed(1)} s)\n`);
        if (r.status === 'fail' && r.detail !== undefined) {
          process.stderr.write(r.detail.split('\n').slice(0, 40).map((l) => `[compat]     ${l}`).join('\n') + '\n');
        }
      },
    });
    const text = formatMatrix(result, args.format);
    if (args.output !== undefined) {
      await writeFile(args.output, text);
      process.stdout.write(`[compat] ${args.format} matrix written to ${args.output}: ${result.summary.pass} passed, ${result.summary.fail} failed\n`);
    } else {
      process.stdout.write(text);
    }
    return result.summary.fail > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof EndpointError) {
      process.stderr.write(`tributary compat: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopBroker();
  }
}
