/**
 * Kafka 4's documented dynamic-quorum workflow (KIP-853) against Tributary, driven by Kafka's own
 * `kafka-metadata-quorum`: controller 1 starts standalone (controller.quorum.bootstrap.servers
 * naming only itself, as `kafka-storage format --standalone`), controllers 2 and 3 start with
 * the three controllers as bootstrap servers (as `--no-initial-controllers`: observers), then
 * `--bootstrap-controller <c1> add-controller --command-config <node N's properties>` adds each
 * (the tool reads node.id, the controller listener and meta.properties' directory.id from it),
 * `describe --status` shows three voters, the leader is killed and CreateTopics (kafkajs) still
 * works, and `remove-controller` takes the dead one out. The nodes are combined (broker and
 * controller), each a `tributary start` process on loopback ports picked free beforehand (node 1's
 * bootstrap server must name its own controller listener, so startCluster's layout does not fit).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ManagedChild, awaitReady } from '../src/compat/managed-child.js';
import { PACKAGE_ROOT, TRIBUTARY_CLI } from '../src/compat/package-root.js';
import { waitFor } from '../src/compat/wait.js';
import { kafkaToolsOrSkip, runKafkaTool } from './support/kafka-tools.js';
import type { RunResult } from './support/helpers.js';

const IDS = [1, 2, 3] as const;
const HOST = '127.0.0.1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface Node {
  readonly id: number;
  readonly broker: string;
  readonly controller: string;
  readonly logDir: string;
  child?: ManagedChild;
}

/** Starts `tributary start` for the node; resolves once it serves (the active controller unfenced it). */
async function startNode(node: Node, bootstrapControllers: readonly string[]): Promise<void> {
  const config: Record<string, string> = {
    'node.id': String(node.id),
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://${node.broker},CONTROLLER://${node.controller}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.quorum.bootstrap.servers': bootstrapControllers.join(','),
    'log.dirs': node.logDir,
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'broker.session.timeout.ms': '6000',
    'broker.heartbeat.interval.ms': '500',
    'schema.registry.listeners': '',
    'tributary.metrics.listeners': '',
  };
  const args = [TRIBUTARY_CLI, 'start'];
  for (const [k, v] of Object.entries(config)) args.push('--override', `${k}=${v}`);
  const child = new ManagedChild({ command: process.execPath, args, cwd: PACKAGE_ROOT });
  node.child = child;
  const ready = new Promise<void>((resolve) => child.onStdout((all) => (/ is serving/.test(all) ? resolve() : undefined)));
  await awaitReady(child, ready, 120_000, `tributary node ${node.id}`);
}

function field(stdout: string, name: string): string {
  return new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(stdout)?.[1] ?? '';
}

function voterIds(stdout: string): number[] {
  return (JSON.parse(field(stdout, 'CurrentVoters') || '[]') as { id: number }[]).map((v) => v.id).sort();
}

describe('dynamic quorum (KIP-853) with kafka-metadata-quorum: standalone, add-controller, failover, remove-controller', function () {
  this.timeout(300_000);
  const root = mkdtempSync(join(tmpdir(), 'tributary-dynamic-quorum-'));
  const nodes = new Map<number, Node>();
  let classpath = '';
  const tool = (args: readonly string[]): Promise<RunResult> => runKafkaTool(classpath, 'kafka-metadata-quorum', args);
  const node = (id: number): Node => nodes.get(id) as Node;

  before(async function () {
    classpath = kafkaToolsOrSkip(this, null);
    for (const id of IDS) nodes.set(id, { id, broker: `${HOST}:${await freePort()}`, controller: `${HOST}:${await freePort()}`, logDir: join(root, `node-${id}`) });
    // Controller 1 alone first (--standalone), then 2 and 3 with every controller as bootstrap servers.
    await startNode(node(1), [node(1).controller]);
    await Promise.all([2, 3].map((id) => startNode(node(id), IDS.map((i) => node(i).controller))));
  });
  after(async function () {
    this.timeout(60_000);
    await Promise.all([...nodes.values()].map((n) => n.child?.kill()));
    rmSync(root, { recursive: true, force: true });
  });

  /** Node N's config as a properties file, as the operator hands it to add-controller. */
  function propertiesOf(id: number): string {
    const n = node(id);
    const path = join(root, `node-${id}.properties`);
    writeFileSync(path, [`node.id=${id}`, 'process.roles=broker,controller', 'controller.listener.names=CONTROLLER', `listeners=PLAINTEXT://${n.broker},CONTROLLER://${n.controller}`, `log.dirs=${n.logDir}`, ''].join('\n'));
    return path;
  }

  const directoryIdOf = (id: number): string => /^directory\.id=(.*)$/m.exec(readFileSync(join(node(id).logDir, 'meta.properties'), 'utf8'))?.[1] ?? '';

  it('grows from one voter to three with add-controller, survives the loss of its leader, and removes it with remove-controller', async () => {
    const first = await tool(['--bootstrap-controller', node(1).controller, 'describe', '--status']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(voterIds(first.stdout), [1], first.stdout);
    for (const id of [2, 3]) {
      // The new controller must be a caught-up observer first: retried (bounded) while the leader says it is not.
      let last = '';
      const added = await waitFor(`controller ${id} added`, async () => {
        const t0 = Date.now();
        const r = await tool(['--bootstrap-controller', node(1).controller, '--command-config', propertiesOf(id), 'add-controller']);
        last += `\n--- attempt (exit ${r.code}, ${Date.now() - t0} ms):\n${r.stdout}${r.stderr.split('\n').filter((l) => !l.startsWith('SLF4J') && !l.includes('\tat ')).join('\n')}`;
        return r.code === 0 ? r : undefined;
      }, 60_000, 1000).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; the tool's output: ${last.slice(0, 3000)}\nnode 1: ${(node(1).child?.stderr ?? '').slice(-3000)}\nnode 2: ${(node(2).child?.stderr ?? '').slice(-3000)}`);
      });
      assert.match(added.stdout, new RegExp(`Added controller ${id} with directory id ${directoryIdOf(id)}`));
    }
    const three = await tool(['--bootstrap-controller', node(1).controller, 'describe', '--status']);
    assert.equal(three.code, 0, three.stderr);
    assert.deepEqual(voterIds(three.stdout), [...IDS], three.stdout);
    assert.equal(Number(field(three.stdout, 'LeaderId')), 1, three.stdout);
    // The leader goes: 2 and 3 elect one, and CreateTopics still works through them.
    await node(1).child?.kill();
    const kafka = new Kafka({ clientId: 'dynamic-quorum', brokers: [node(2).broker, node(3).broker], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('CreateTopics after the failover', async () => {
        try {
          await admin.createTopics({ topics: [{ topic: 'after-failover', numPartitions: 2, replicationFactor: 2 }] });
          return true;
        } catch (e) {
          return e instanceof Error && /already exists/.test(e.message) ? true : undefined;
        }
      }, 60_000, 500);
      assert.ok((await admin.listTopics()).includes('after-failover'));
    } finally {
      await admin.disconnect();
    }
    const removed = await tool(['--bootstrap-controller', node(2).controller, 'remove-controller', '--controller-id', '1', '--controller-directory-id', directoryIdOf(1)]);
    assert.equal(removed.code, 0, removed.stderr);
    const two = await waitFor('two voters', async () => {
      const r = await tool(['--bootstrap-controller', node(2).controller, 'describe', '--status']);
      return r.code === 0 && voterIds(r.stdout).join() === '2,3' ? r : undefined;
    }, 60_000, 1000);
    assert.deepEqual(voterIds(two.stdout), [2, 3]);
  });
});
