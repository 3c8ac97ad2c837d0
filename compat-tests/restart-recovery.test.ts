/**
 * A failed restart in a compat run must not fail every later cell: the runner calls ensureRunning()
 * after each restart row (src/compat/restart-controls.ts), which starts the broker again when the
 * row left none running. Here the first restart "fails" the way a restart that timed out on a busy
 * machine does (the broker is gone and env.restart throws); the next restart row must still find a
 * broker, write and read back through it, and restart it itself.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../src/protocol/generated/api-keys.js';
import { CONTROLLED_BROKER_CONFIG, defineCapability, type CompatEnv } from '../src/compat/capability.js';
import type { KafkajsHandle } from '../src/compat/clients/kafkajs.js';
import { restartControls } from '../src/compat/restart-controls.js';
import { CompatSession, runMatrix } from '../src/compat/runner.js';
import { BrokerProcess } from './support/broker-process.js';
import { printBrokerLogOnFailure } from './support/helpers.js';

/** Produces one record with kafkajs and reads it back from the beginning: the broker serves. */
async function roundTrip(env: CompatEnv, kjs: KafkajsHandle, tag: string): Promise<void> {
  const topic = await env.createTopic(tag);
  const s = kjs.session(env);
  const producer = s.kafka.producer();
  await producer.connect();
  env.onCleanup(() => producer.disconnect());
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: tag }] });
  const admin = s.kafka.admin();
  await admin.connect();
  env.onCleanup(() => admin.disconnect());
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.deepEqual(offsets.map((o) => o.high), ['1'], 'one record on the topic');
}

const firstRow = defineCapability({
  id: 'restart-that-fails', title: 'a restart that does not come back', order: 990, requires: [{ api: ApiKey.Produce }],
  needsRestart: true, timeoutMs: 60_000,
  cells: {
    async kafkajs(env, kjs) {
      await roundTrip(env, kjs, 'before');
      await env.restart?.();
    },
  },
});

const nextRow = defineCapability({
  id: 'restart-after-a-failed-one', title: 'the next restart row', order: 991, requires: [{ api: ApiKey.Produce }],
  needsRestart: true, timeoutMs: 120_000,
  cells: {
    async kafkajs(env, kjs) {
      await roundTrip(env, kjs, 'after');
      await env.restart?.();
      await roundTrip(env, kjs, 'restarted');
    },
  },
});

describe('compat runner: a failed restart does not fail the later rows', function () {
  let broker: BrokerProcess | undefined;

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.cleanup();
  });

  it('the row after a restart that left no broker finds one running', async function () {
    this.timeout(300_000);
    const config = { ...CONTROLLED_BROKER_CONFIG };
    const b = await BrokerProcess.start({ overrides: config });
    broker = b;
    const controls = restartControls(b);
    let failures = 1;
    const session = await CompatSession.open({
      bootstrap: b.bootstrap,
      controlled: { nodeId: Number(config['node.id']), clusterId: b.clusterId, config, logDir: b.logDir },
      clients: ['kafkajs'],
      // The first restart ends like one that timed out: the broker killed, an error.
      restart: async (opts) => {
        if (failures-- > 0) {
          await b.kill();
          throw new Error('injected: the broker did not print its listening line in time');
        }
        await controls.restart(opts);
      },
      ensureRunning: controls.ensureRunning,
    });
    const m = await runMatrix(session, [firstRow, nextRow], { parallel: 1 });
    const status = m.cells.map((c) => `${c.capability}: ${c.status}${c.reason === undefined ? '' : ` (${c.reason})`}`);
    assert.match(status[0] ?? '', /^restart-that-fails: fail \(injected/, 'the failed restart fails its own row');
    assert.equal(status[1], 'restart-after-a-failed-one: pass', 'the next row finds a running broker');
    assert.deepEqual(m.cleanupProblems, []);
    assert.ok(b.alive, 'a broker is left running');
  });
});
