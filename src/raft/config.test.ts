import assert from 'node:assert/strict';
import { DEFAULT_RAFT_CONFIG, raftConfig } from './config.js';

describe('raft/config', () => {
  it('has Kafka\'s controller.quorum.* defaults', () => {
    assert.equal(DEFAULT_RAFT_CONFIG.electionTimeoutMs, 1000);
    assert.equal(DEFAULT_RAFT_CONFIG.fetchTimeoutMs, 2000);
    assert.equal(DEFAULT_RAFT_CONFIG.electionBackoffMaxMs, 1000);
    assert.equal(DEFAULT_RAFT_CONFIG.requestTimeoutMs, 2000);
    assert.equal(DEFAULT_RAFT_CONFIG.retryBackoffMs, 20);
  });

  it('rejects settings that are not positive integers', () => {
    assert.equal(raftConfig({ electionTimeoutMs: 500 }).electionTimeoutMs, 500);
    assert.throws(() => raftConfig({ fetchTimeoutMs: 0 }), /fetchTimeoutMs must be a positive integer/);
    assert.throws(() => raftConfig({ electionTimeoutMs: 1.5 }), /electionTimeoutMs/);
    assert.throws(() => raftConfig({ retryBackoffMs: -1 }), /retryBackoffMs/);
  });
});
