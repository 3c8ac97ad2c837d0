/**
 * The embedded API as a user calls it: startNode() inside this process, a stock kafkajs client
 * against its bootstrap address, then stop() — and the port is free again afterwards.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import kafkajs from 'kafkajs';
import { startNode } from './index.js';

const { Kafka, logLevel } = kafkajs;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('startNode (embedded)', function () {
  this.timeout(20000);

  it('serves a kafkajs producer and admin on a free port, and releases it on stop()', async () => {
    const node = await startNode({ config: { 'num.partitions': 2 } });
    const port = Number(node.bootstrap.split(':')[1]);
    assert.ok(port > 0);
    const kafka = new Kafka({ clientId: 'embedded', brokers: [node.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    try {
      await admin.connect();
      await producer.connect();
      await producer.send({ topic: 'embedded', messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
      const offsets = await admin.fetchTopicOffsets('embedded');
      assert.equal(offsets.length, 2, 'num.partitions from the embedded config');
      assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), 2);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      await node.stop();
    }
    assert.equal(await portIsFree(port), true);
  });
});
