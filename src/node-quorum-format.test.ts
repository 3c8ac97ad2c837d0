import assert from 'node:assert/strict';
import { loadBrokerConfig } from './config/index.js';
import { isDynamicQuorum, standaloneEndpoint } from './node-quorum-format.js';

const config = (o: Record<string, string>) =>
  loadBrokerConfig({ overrides: Object.entries({ 'controller.listener.names': 'CONTROLLER', 'log.dirs': '/tmp/x', 'process.roles': 'broker,controller', 'node.id': '1', ...o }) }).config;

describe('node-quorum-format: how a node of a dynamic quorum (KIP-853) formats itself', () => {
  it('bootstrap servers naming only its own controller listener: --standalone, at that endpoint', () => {
    const c = config({ listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19093', 'controller.quorum.bootstrap.servers': 'localhost:19093' });
    assert.equal(isDynamicQuorum(c), true);
    assert.deepEqual(standaloneEndpoint(c), { name: 'CONTROLLER', host: 'localhost', port: 19093 });
  });
  it('bootstrap servers naming other controllers: no initial controllers (an observer until added)', () => {
    const c = config({ 'node.id': '2', listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19094', 'controller.quorum.bootstrap.servers': '127.0.0.1:19093,127.0.0.1:19094' });
    assert.equal(isDynamicQuorum(c), true);
    assert.equal(standaloneEndpoint(c), undefined);
  });
  it('static voters, or no quorum keys at all: not dynamic', () => {
    assert.equal(isDynamicQuorum(config({ listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19093', 'controller.quorum.voters': '1@127.0.0.1:19093' })), false);
    assert.equal(isDynamicQuorum(config({ listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19093' })), false);
  });
  it("Kafka's sample server.properties on ephemeral ports (one bootstrap server that is not its listener) stays a quorum of its own", () => {
    const c = config({ listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0', 'controller.quorum.bootstrap.servers': 'localhost:9093' });
    assert.equal(isDynamicQuorum(c), false);
    assert.equal(standaloneEndpoint(c), undefined);
  });
  it('a broker-only node with bootstrap servers follows a dynamic quorum, and never formats as standalone', () => {
    const c = config({ 'process.roles': 'broker', 'node.id': '4', listeners: 'PLAINTEXT://127.0.0.1:9092', 'controller.quorum.bootstrap.servers': '127.0.0.1:19093' });
    assert.equal(isDynamicQuorum(c), true);
    assert.equal(standaloneEndpoint(c), undefined);
  });
});
