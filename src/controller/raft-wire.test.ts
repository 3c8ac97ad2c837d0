/**
 * Every quorum message survives the trip through Kafka's wire format at the versions voters speak
 * (encoded and decoded by the generated codecs), so what one core sends is what the other gets.
 */
import assert from 'node:assert/strict';
import type { RaftRequest, RaftResponse } from '../raft/index.js';
import { leaderChangeMessage } from './metadata-log-entries.js';
import { decodeWireRequest, decodeWireResponse, encodeWireRequest, encodeWireResponse, endpointsOfResponse, requestFromWire, requestToWire, responseFromWire, responseToWire, type WireRequest, type WireResponse } from './raft-wire.js';

const id = { clusterId: 'c1', localId: 1, leaderChange: () => leaderChangeMessage(1, [1, 2, 3], [1, 2]), nowMs: () => 1_700_000_000_000 };

/** Through bytes: encoded at the voters' versions and decoded again. */
const requestViaBytes = (w: WireRequest): WireRequest => decodeWireRequest(w.apiKey, encodeWireRequest(w));
const responseViaBytes = (w: WireResponse): WireResponse => decodeWireResponse(w.apiKey, encodeWireResponse(w));

const REQUESTS: RaftRequest[] = [
  { kind: 'VoteRequest', correlationId: 7, candidateEpoch: 5, candidateId: 2, lastOffsetEpoch: 4, lastOffset: 120, preVote: true },
  { kind: 'BeginQuorumEpochRequest', correlationId: 8, leaderId: 3, leaderEpoch: 6 },
  { kind: 'EndQuorumEpochRequest', correlationId: 9, leaderId: 3, leaderEpoch: 6, preferredSuccessors: [2, 1] },
  { kind: 'FetchRequest', correlationId: 10, replicaId: 2, currentLeaderEpoch: 6, fetchOffset: 99, lastFetchedEpoch: 5 },
  { kind: 'FetchSnapshotRequest', correlationId: 11, replicaId: 2, currentLeaderEpoch: 6, snapshotId: { endOffset: 50, epoch: 3 }, position: 4096 },
];

const data = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
const RESPONSES: RaftResponse[] = [
  { kind: 'VoteResponse', correlationId: 7, errorCode: 0, leaderId: -1, leaderEpoch: 5, voteGranted: true },
  { kind: 'BeginQuorumEpochResponse', correlationId: 8, errorCode: 0, leaderId: 3, leaderEpoch: 6 },
  { kind: 'EndQuorumEpochResponse', correlationId: 9, errorCode: 0, leaderId: 3, leaderEpoch: 6 },
  {
    kind: 'FetchResponse', correlationId: 10, errorCode: 0, leaderId: 3, leaderEpoch: 6, highWatermark: 101,
    records: [
      { offset: 99, epoch: 5, data: data('a') },
      { offset: 100, epoch: 6, control: 'leaderChange', data: leaderChangeMessage(3, [1, 2, 3], [3, 1]) },
      { offset: 101, epoch: 6, data: data('b') },
      { offset: 102, epoch: 6, data: data('c') },
    ],
  },
  { kind: 'FetchResponse', correlationId: 12, errorCode: 0, leaderId: 3, leaderEpoch: 6, highWatermark: 90, divergingEpoch: { endOffset: 80, epoch: 4 }, records: [] },
  { kind: 'FetchResponse', correlationId: 13, errorCode: 0, leaderId: 3, leaderEpoch: 6, highWatermark: 90, snapshotId: { endOffset: 60, epoch: 4 }, records: [] },
  { kind: 'FetchSnapshotResponse', correlationId: 11, errorCode: 0, leaderId: 3, leaderEpoch: 6, snapshotId: { endOffset: 50, epoch: 3 }, size: 10000, position: 4096, unalignedRecords: data('snapshot bytes') },
];

/** Entries compare by content (Buffer vs Uint8Array of the same bytes are the same entry). */
function normalise(m: unknown): unknown {
  if (m instanceof Uint8Array) return Buffer.from(m).toString('hex');
  if (Array.isArray(m)) return m.map(normalise);
  if (m !== null && typeof m === 'object') return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, normalise(v)]));
  return m;
}

describe('controller/raft-wire: quorum messages through Kafka\'s wire format', () => {
  for (const m of REQUESTS) {
    it(`${m.kind} round-trips, and names its sender`, async () => {
      const wire = requestViaBytes(await requestToWire(m, 1, id));
      const back = requestFromWire(wire, m.correlationId);
      assert.deepEqual(normalise(back.message), normalise(m));
      const sender = m.kind === 'VoteRequest' ? m.candidateId : m.kind === 'BeginQuorumEpochRequest' || m.kind === 'EndQuorumEpochRequest' ? m.leaderId : m.replicaId;
      assert.equal(back.from, sender);
    });
  }
  for (const m of RESPONSES) {
    it(`${m.kind} (correlation ${m.correlationId}) round-trips`, async () => {
      const wire = responseViaBytes(await responseToWire(m, id));
      assert.deepEqual(normalise(await responseFromWire(wire, m.correlationId)), normalise(m));
    });
  }

  it('a LeaderChange entry the core made without bytes goes out as Kafka\'s LeaderChangeMessage', async () => {
    const m: RaftResponse = { kind: 'FetchResponse', correlationId: 1, errorCode: 0, leaderId: 1, leaderEpoch: 2, highWatermark: 0, records: [{ offset: 0, epoch: 2, control: 'leaderChange', data: new Uint8Array(0) }] };
    const back = await responseFromWire(responseViaBytes(await responseToWire(m, id)), 1);
    assert.equal(back.kind === 'FetchResponse' ? Buffer.from(back.records[0]?.data ?? []).toString('hex') : '', id.leaderChange().toString('hex'));
  });

  it('Fetch and FetchSnapshot answers name where the leader listens (NodeEndpoints), when it is known', async () => {
    const withEndpoints = { ...id, endpointOf: (n: number) => (n === 3 ? { host: '127.0.0.1', port: 9093 } : undefined) };
    const fetch: RaftResponse = { kind: 'FetchResponse', correlationId: 1, errorCode: 6, leaderId: 3, leaderEpoch: 6, highWatermark: -1, records: [] };
    const snapshot: RaftResponse = { kind: 'FetchSnapshotResponse', correlationId: 2, errorCode: 0, leaderId: 3, leaderEpoch: 6, snapshotId: { endOffset: 50, epoch: 3 }, size: 1, position: 0, unalignedRecords: data('x') };
    for (const m of [fetch, snapshot]) {
      assert.deepEqual(endpointsOfResponse(responseViaBytes(await responseToWire(m, withEndpoints))), [{ nodeId: 3, endpoint: { host: '127.0.0.1', port: 9093 } }]);
      assert.deepEqual(endpointsOfResponse(responseViaBytes(await responseToWire(m, id))), [], 'no address known: none named');
    }
    const noLeader: RaftResponse = { ...fetch, leaderId: -1 };
    assert.deepEqual(endpointsOfResponse(responseViaBytes(await responseToWire(noLeader, withEndpoints))), []);
  });
});
