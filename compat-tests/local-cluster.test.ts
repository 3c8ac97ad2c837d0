/**
 * The local cluster a user starts: `startCluster` (the public API) and `tributary start --nodes`.
 * Three processes form one cluster that kcat sees whole; a topic replicated three ways keeps
 * taking acks=all writes with one node paused (SIGSTOP) and one killed and restarted; the CLI
 * prints the bootstrap list and Ctrl-C stops every node.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type RunningCluster } from '../src/index.js';
import { TRIBUTARY_CLI } from '../src/compat/package-root.js';
import { requireClient, runProcess, uniqueTopic, waitFor } from './support/helpers.js';
import kafkajs from 'kafkajs';

describe('a local cluster: startCluster and tributary start --nodes', function () {
  this.timeout(180_000);
  let cluster: RunningCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('startCluster: three processes, one cluster; a paused node is fenced and comes back; acks=all writes go on through a killed one, and every record is read back', async function () {
    requireClient(this, 'kcat');
    cluster = await startCluster({ nodes: 3, config: { 'min.insync.replicas': 2, 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 500 } });
    // What kcat is told: the brokers node 1 lists (node 1 is never paused or killed here).
    const brokers = async (): Promise<number[]> => {
      const r = await runProcess('kcat', ['-b', cluster?.node(1).bootstrap ?? '', '-L', '-J'], { timeoutMs: 10_000 });
      return (JSON.parse(r.stdout) as { brokers: { id: number }[] }).brokers.map((b) => b.id).sort();
    };
    const listed = await waitFor('kcat lists three brokers', async () => {
      const ids = await brokers();
      return ids.length === 3 ? ids : undefined;
    }, 30_000);
    assert.deepEqual(listed, [1, 2, 3]);
    const kafka = new kafkajs.Kafka({ clientId: 'local-cluster', brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING, requestTimeout: 5000, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    // A paused leader holds a request until the client gives up on it (request.timeout.ms): 5 s here, as an app wanting fast failover sets it.
    const topic = uniqueTopic('local-cluster');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent: string[] = [];
    const send = async (n: number, tag: string): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const value = `${tag}-${i}`;
        await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
        sent.push(value);
      }
    };
    await send(20, 'all-up');
    // A paused node (SIGSTOP) is fenced once its session expires, and unfenced once it runs again.
    // (Writes while it is paused depend on the client: one waits its request timeout on a silent leader.)
    cluster.node(2).pause();
    await waitFor('the paused node fenced (kcat lists two brokers)', async () => ((await brokers()).length === 2 ? true : undefined), 30_000);
    cluster.node(2).resume();
    await waitFor('the resumed node unfenced (kcat lists three brokers)', async () => ((await brokers()).length === 3 ? true : undefined), 30_000);
    await send(20, 'node2-resumed');
    await cluster.node(3).kill();
    await send(20, 'node3-killed');
    await cluster.node(3).restart();
    await send(20, 'node3-back');
    await producer.disconnect();
    const r = await runProcess('kcat', ['-b', cluster.bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%s\\n'], { timeoutMs: 60_000 });
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [...sent].sort(), 'every acknowledged record, once');
  });

  it('tributary start --nodes 2 prints the bootstrap list once both serve, and Ctrl-C stops both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-cluster-'));
    const child = spawn(process.execPath, [TRIBUTARY_CLI, 'start', '--nodes', '2', '--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const bootstrap = await waitFor('the bootstrap line', async () => /bootstrap\.servers=(\S+);/.exec(out)?.[1], 60_000);
      assert.equal(bootstrap.split(',').length, 2);
      assert.match(out, /\[node 1\] Tributary node 1 is serving/);
      assert.match(out, /\[node 2\] Tributary node 2 is serving/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(out, /\[node 1\] Tributary stopped/);
      assert.match(out, /\[node 2\] Tributary stopped/);
      assert.match(out, /Tributary cluster stopped/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
