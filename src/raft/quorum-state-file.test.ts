import assert from 'node:assert/strict';
import { decodeQuorumState, encodeQuorumState, encodeQuorumStateV1 } from './quorum-state-file.js';

describe('raft/quorum-state-file', () => {
  it('writes Kafka\'s data_version 0 line and reads it back', () => {
    const text = encodeQuorumState({ epoch: 7, leaderId: 2, votedId: 2 }, [3, 1, 2]);
    assert.equal(text, '{"clusterId":"","leaderId":2,"leaderEpoch":7,"votedId":2,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}\n');
    assert.deepEqual(decodeQuorumState(text), { epoch: 7, leaderId: 2, votedId: 2 });
  });

  it('reads a version 1 (KIP-853) file', () => {
    assert.deepEqual(decodeQuorumState(encodeQuorumStateV1({ epoch: 3, leaderId: -1, votedId: 1 })), { epoch: 3, leaderId: -1, votedId: 1 });
    assert.deepEqual(decodeQuorumState('{"leaderId":-1,"leaderEpoch":0,"votedId":-1,"votedDirectoryId":"AAAAAAAAAAAAAAAAAAAAAA","data_version":1}'), { epoch: 0, leaderId: -1, votedId: -1 });
  });

  it('refuses what it cannot trust', () => {
    assert.throws(() => decodeQuorumState(''), /ended prematurely/);
    assert.throws(() => decodeQuorumState('{"leaderEpoch":1'), /not JSON/);
    assert.throws(() => decodeQuorumState('[1]'), /not a JSON object/);
    assert.throws(() => decodeQuorumState('{"leaderEpoch":1}'), /no data_version/);
    assert.throws(() => decodeQuorumState('{"leaderEpoch":1,"data_version":2}'), /data_version \(2\)/);
    assert.throws(() => decodeQuorumState('{"leaderEpoch":"1","data_version":0}'), /leaderEpoch is not an integer/);
  });
});
