/**
 * controller.quorum.bootstrap.servers in two cases the dynamic-quorum tests do not cover: a
 * broker-only node that knows static-quorum controllers only by their address, and a node that an
 * earlier Tributary ran alone (kraft.version 0, no voter set in its log) restarted with Kafka's
 * --standalone style config (its own controller listener as the one bootstrap server).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadBrokerConfig } from './config/index.js';
import { runNode, type RunningNode } from './node.js';
import { silentLogger } from './util/logger.js';
import { waitFor } from './compat/wait.js';
import { freePort } from './testing/in-process-cluster.js';


const start = (o: Record<string, string>): Promise<RunningNode> =>
  runNode(loadBrokerConfig({ overrides: Object.entries({ 'tributary.metrics.listeners': '', 'schema.registry.listeners': '', 'controller.listener.names': 'CONTROLLER', ...o }) }), { logger: silentLogger });

async function topicReadable(bootstrap: string, topic: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'bootstrap-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await waitFor(`${topic} listed`, async () => {
      const topics = await admin.listTopics();
      return topics.includes(topic) ? topics : undefined;
    }, 30_000, 200);
  } finally {
    await admin.disconnect();
  }
}

describe('controller.quorum.bootstrap.servers beside static quorums and earlier data', function () {
  this.timeout(90_000);
  const dirs: string[] = [];
  const nodes: RunningNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.halt().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tributary-bootstrap-'));
    dirs.push(d);
    return d;
  };

  it('a broker-only node that knows a static-quorum controller only by address registers and serves', async () => {
    const cPort = await freePort();
    const controller = await start({ 'process.roles': 'controller', 'node.id': '1', listeners: `CONTROLLER://127.0.0.1:${cPort}`, 'controller.quorum.voters': `1@127.0.0.1:${cPort}`, 'log.dirs': dir() });
    nodes.push(controller);
    await controller.ready;
    const broker = await start({ 'process.roles': 'broker', 'node.id': '2', listeners: 'PLAINTEXT://127.0.0.1:0', 'controller.quorum.bootstrap.servers': `127.0.0.1:${cPort}`, 'log.dirs': dir(), 'offsets.topic.replication.factor': '1' });
    nodes.push(broker);
    await broker.ready;
    assert.equal(broker.clusterId, controller.clusterId, 'the broker took the controllers\' cluster id');
    const kafka = new Kafka({ clientId: 'bootstrap-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'via-bootstrap', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: false });
    await admin.disconnect();
    await topicReadable(broker.bootstrap, 'via-bootstrap');
  });

  it('a node an earlier Tributary ran alone restarts as a --standalone dynamic quorum and keeps its topics', async () => {
    const logDir = dir();
    const alone = await start({ 'process.roles': 'broker,controller', 'node.id': '1', listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir });
    nodes.push(alone);
    const kafka = new Kafka({ clientId: 'bootstrap-test', brokers: [alone.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'before-upgrade', numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    await nodes.pop()?.stop();
    const cPort = await freePort();
    const again = await start({ 'process.roles': 'broker,controller', 'node.id': '1', listeners: `PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:${cPort}`, 'controller.quorum.bootstrap.servers': `127.0.0.1:${cPort}`, 'log.dirs': logDir });
    nodes.push(again);
    await waitFor('the node serves again', async () => (await Promise.race([again.ready.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500))])) || undefined, 30_000, 0);
    assert.equal(again.quorumLeader(), 1);
    await topicReadable(again.bootstrap, 'before-upgrade');
  });
});
