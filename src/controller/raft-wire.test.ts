/**
 * Every quorum message survives the trip through Kafka's wire format at the versions voters speak
 * (encoded and decoded by the generated codecs), so what one core sends is what the other gets.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../protocol/generated/api-keys.js';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import * as vote from '../protocol/generated/messages/vote-request.js';
import * as voteR from '../protocol/generated/messages/vote-response.js';
import * as begin from '../protocol/generated/messages/begin-quorum-epoch-request.js';
import * as beginR from '../protocol/generated/messages/begin-quorum-epoch-response.js';
import * as end from '../protocol/generated/messages/end-quorum-epoch-request.js';
import * as endR from '../protocol/generated/messages/end-quorum-epoch-response.js';
import * as fetch from '../protocol/generated/messages/fetch-request.js';
import * as fetchR from '../protocol/generated/messages/fetch-response.js';
import * as snap from '../protocol/generated/messages/fetch-snapshot-request.js';
import * as snapR from '../protocol/generated/messages/fetch-snapshot-response.js';
import type { RaftRequest, RaftResponse } from '../raft/index.js';
import { leaderChangeMessage } from './metadata-log-entries.js';
import { RAFT_API_VERSIONS, requestFromWire, requestToWire, responseFromWire, responseToWire, type WireRequest, type WireResponse } from './raft-wire.js';

const id = { clusterId: 'c1', localId: 1, leaderChange: () => leaderChangeMessage(1, [1, 2, 3], [1, 2]), nowMs: () => 1_700_000_000_000 };

type Codec = { encode(w: Writer, v: number, m: unknown): void; decode(r: Reader, v: number): unknown };
const codec = <T>(encode: (w: Writer, v: number, m: T) => void, decode: (r: Reader, v: number) => T): Codec => ({ encode: encode as Codec['encode'], decode });
const REQUEST_CODECS: Record<number, Codec> = {
  [ApiKey.Vote]: codec(vote.encodeVoteRequest, vote.decodeVoteRequest),
  [ApiKey.BeginQuorumEpoch]: codec(begin.encodeBeginQuorumEpochRequest, begin.decodeBeginQuorumEpochRequest),
  [ApiKey.EndQuorumEpoch]: codec(end.encodeEndQuorumEpochRequest, end.decodeEndQuorumEpochRequest),
  [ApiKey.Fetch]: codec(fetch.encodeFetchRequest, fetch.decodeFetchRequest),
  [ApiKey.FetchSnapshot]: codec(snap.encodeFetchSnapshotRequest, snap.decodeFetchSnapshotRequest),
};
const RESPONSE_CODECS: Record<number, Codec> = {
  [ApiKey.Vote]: codec(voteR.encodeVoteResponse, voteR.decodeVoteResponse),
  [ApiKey.BeginQuorumEpoch]: codec(beginR.encodeBeginQuorumEpochResponse, beginR.decodeBeginQuorumEpochResponse),
  [ApiKey.EndQuorumEpoch]: codec(endR.encodeEndQuorumEpochResponse, endR.decodeEndQuorumEpochResponse),
  [ApiKey.Fetch]: codec(fetchR.encodeFetchResponse, fetchR.decodeFetchResponse),
  [ApiKey.FetchSnapshot]: codec(snapR.encodeFetchSnapshotResponse, snapR.decodeFetchSnapshotResponse),
};

/** Through bytes: encode at the voters' version, decode again. */
function viaBytes<T extends WireRequest | WireResponse>(w: T, codecs: Record<number, Codec>): T {
  const c = codecs[w.apiKey] as Codec;
  const v = RAFT_API_VERSIONS[w.apiKey];
  const writer = new Writer();
  c.encode(writer, v, w.body);
  return { apiKey: w.apiKey, body: c.decode(new Reader(writer.toBuffer()), v) } as T;
}

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
      const wire = viaBytes(await requestToWire(m, 1, id), REQUEST_CODECS);
      const back = requestFromWire(wire, m.correlationId);
      assert.deepEqual(normalise(back.message), normalise(m));
      const sender = m.kind === 'VoteRequest' ? m.candidateId : m.kind === 'BeginQuorumEpochRequest' || m.kind === 'EndQuorumEpochRequest' ? m.leaderId : m.replicaId;
      assert.equal(back.from, sender);
    });
  }
  for (const m of RESPONSES) {
    it(`${m.kind} (correlation ${m.correlationId}) round-trips`, async () => {
      const wire = viaBytes(await responseToWire(m, id), RESPONSE_CODECS);
      assert.deepEqual(normalise(await responseFromWire(wire, m.correlationId)), normalise(m));
    });
  }

  it('a LeaderChange entry the core made without bytes goes out as Kafka\'s LeaderChangeMessage', async () => {
    const m: RaftResponse = { kind: 'FetchResponse', correlationId: 1, errorCode: 0, leaderId: 1, leaderEpoch: 2, highWatermark: 0, records: [{ offset: 0, epoch: 2, control: 'leaderChange', data: new Uint8Array(0) }] };
    const back = await responseFromWire(viaBytes(await responseToWire(m, id), RESPONSE_CODECS), 1);
    assert.equal(back.kind === 'FetchResponse' ? Buffer.from(back.records[0]?.data ?? []).toString('hex') : '', id.leaderChange().toString('hex'));
  });
});
