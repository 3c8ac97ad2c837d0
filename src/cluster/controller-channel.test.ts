/**
 * The controller channel over sockets, against the real AllocateProducerIds handler on CONTROLLER
 * listeners: a send waits while no leader is known, survives a voter that refuses the connection,
 * hears NOT_CONTROLLER from a node whose controller is a quorum follower, and is answered by the
 * node that leads; with no leader ever known it rejects at its deadline naming why; a listener that
 * does not serve the API (a broker listener) rejects at once.
 *
 * The listeners' services hold settings, clock, image, log and the controller (the only part
 * AllocateProducerIds uses); the rest are absent (testing/request-listener.ts). The controllers'
 * metadata log stores are the smallest honest ones: a leader's commits at once, a follower's
 * refuses every append with NotControllerError as the quorum's followers do.
 */
import assert from 'node:assert/strict';
import { apiCall } from '../client/connection.js';
import { systemClock } from '../io/clock.js';
import { listenTcp } from '../io/tcp.js';
import { Controller, NotControllerError, type MetadataLogStore } from '../controller/controller.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { allocateProducerIdsRequestMeta, encodeAllocateProducerIdsRequest } from '../protocol/generated/messages/allocate-producer-ids-request.js';
import { decodeAllocateProducerIdsResponse, type AllocateProducerIdsResponse } from '../protocol/generated/messages/allocate-producer-ids-response.js';
import { partialServices, serveRequests, type RequestListener } from '../testing/request-listener.js';
import { answersNotController, ControllerChannel } from './controller-channel.js';

const allocate = apiCall(allocateProducerIdsRequestMeta, encodeAllocateProducerIdsRequest, decodeAllocateProducerIdsResponse, { brokerId: 5, brokerEpoch: 1n });

/** Commits at once and publishes into the node's image, as the quorum's leader does. */
const leaderStore = () => (image: MetadataImage): MetadataLogStore => {
  let next = 0;
  return { append: async (records) => records.map((r) => (image.replay(r, next), next++)), controllerState: () => ({ active: true, leaderId: -1 }) };
}

const followerStore = (leaderId: number) => (): MetadataLogStore => ({ append: () => Promise.reject(new NotControllerError(leaderId)), controllerState: () => ({ active: false, leaderId }) });

/** A free port nobody listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const l = await listenTcp('127.0.0.1', 0, (s) => s.destroy());
  await l.close();
  return l.port;
}

describe('cluster: ControllerChannel', function () {
  this.timeout(20_000);
  const listeners: RequestListener[] = [];
  const channels: ControllerChannel[] = [];
  afterEach(async () => {
    for (const c of channels.splice(0)) c.close();
    for (const l of listeners.splice(0)) await l.close();
  });

  async function node(id: number, store: (image: MetadataImage) => MetadataLogStore, listenerName = 'CONTROLLER'): Promise<{ image: MetadataImage; listener: RequestListener }> {
    const image = new MetadataImage();
    const controller = new Controller(image, store(image));
    const listener = await serveRequests(partialServices(id, { image, controller, settings: { controllerListenerNames: ['CONTROLLER'] } }), listenerName);
    listeners.push(listener);
    return { image, listener };
  }

  it('waits for a leader, passes a dead voter and a NOT_CONTROLLER answer, and is answered by the active controller', async () => {
    const follower = await node(1, followerStore(2));
    const active = await node(2, leaderStore());
    const voters = new Map([[1, follower.listener.address], [2, active.listener.address], [3, { host: '127.0.0.1', port: await deadPort() }]]);
    const asked: number[] = [];
    let notControllerAnswers = 0;
    // What the node's quorum would say over time: nobody, then 3 (down), then 1, then (after 1 refused) 2.
    const leaderId = (): number => {
      const leader = asked.length < 2 ? -1 : asked.length < 4 ? 3 : notControllerAnswers === 0 ? 1 : 2;
      asked.push(leader);
      return leader;
    };
    const channel = new ControllerChannel({ nodeId: 5, addressOf: (id) => voters.get(id), leaderId, clock: systemClock, retryBackoffMs: 20, requestTimeoutMs: 10_000 });
    channels.push(channel);
    const response: AllocateProducerIdsResponse = await channel.send(allocate, {
      notController: (r) => {
        const refused = answersNotController(r);
        if (refused) notControllerAnswers++;
        return refused;
      },
    });
    assert.deepEqual(response, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerIdStart: 0n, producerIdLen: 1000 });
    assert.equal(notControllerAnswers, 1, 'node 1 answered NOT_CONTROLLER once');
    assert.deepEqual(asked, [-1, -1, 3, 3, 1, 2]);
    assert.equal(active.image.nextProducerId, 1000n, 'the active controller recorded the block');
    assert.equal(follower.image.nextProducerId, 0n);
  });

  it('rejects at its deadline when no controller is ever known, naming why', async () => {
    const channel = new ControllerChannel({ nodeId: 5, addressOf: () => undefined, leaderId: () => -1, clock: systemClock, retryBackoffMs: 20, requestTimeoutMs: 200 });
    channels.push(channel);
    const started = Date.now();
    await assert.rejects(channel.send(allocate), /AllocateProducerIds: no answer from the active controller within 200 ms \(last: no controller is known yet\)/);
    assert.ok(Date.now() - started >= 190);
  });

  it('a broker listener neither advertises nor serves the controller API: the send rejects at once', async () => {
    const broker = await node(2, leaderStore(), 'PLAINTEXT');
    const channel = new ControllerChannel({ nodeId: 5, addressOf: (id) => (id === 2 ? broker.listener.address : undefined), leaderId: () => 2, clock: systemClock, requestTimeoutMs: 10_000 });
    channels.push(channel);
    const started = Date.now();
    await assert.rejects(channel.send(allocate), /does not advertise AllocateProducerIds/);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(broker.image.nextProducerId, 0n);
  });
});
