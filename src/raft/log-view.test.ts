import assert from 'node:assert/strict';
import { epochStartsOf, LogView } from './log-view.js';

function entries(epochs: number[], from = 0) {
  return epochs.map((epoch, i) => ({ offset: from + i, epoch, data: new Uint8Array(0) }));
}

describe('raft/log-view', () => {
  // Offsets 0-2 epoch 1, 3-4 epoch 2, 5-7 epoch 4.
  const view = (): LogView => {
    const v = new LogView({ startOffset: 0, endOffset: 0, epochStarts: [] });
    v.append(entries([1, 1, 1, 2, 2, 4, 4, 4]));
    return v;
  };

  it('answers endOffsetForEpoch as Kafka\'s leader-epoch cache does', () => {
    const v = view();
    assert.deepEqual(v.endOffsetForEpoch(1), { epoch: 1, endOffset: 3 });
    assert.deepEqual(v.endOffsetForEpoch(3), { epoch: 2, endOffset: 5 });
    assert.deepEqual(v.endOffsetForEpoch(9), { epoch: 4, endOffset: 8 });
    assert.equal(v.endOffsetForEpoch(0), undefined);
    assert.equal(v.lastFetchedEpoch(), 4);
    assert.equal(v.epochOf(4), 2);
  });

  it('validates a follower\'s fetch position: valid, diverging, or the snapshot', () => {
    const v = view();
    assert.deepEqual(v.validateFetch(0, 0), { kind: 'valid' });
    assert.deepEqual(v.validateFetch(5, 2), { kind: 'valid' });
    assert.deepEqual(v.validateFetch(8, 4), { kind: 'valid' });
    // The follower has epoch 3 entries we never had: go back to the end of our epoch 2.
    assert.deepEqual(v.validateFetch(7, 3), { kind: 'diverging', divergingEpoch: { epoch: 2, endOffset: 5 } });
    // It has more epoch 2 entries than we do.
    assert.deepEqual(v.validateFetch(6, 2), { kind: 'diverging', divergingEpoch: { epoch: 2, endOffset: 5 } });
    v.flushed();
    v.deleteBefore({ endOffset: 4, epoch: 2 });
    assert.deepEqual(v.validateFetch(2, 1), { kind: 'snapshot', snapshotId: { endOffset: 4, epoch: 2 } });
    assert.deepEqual(v.validateFetch(4, 2), { kind: 'valid' });
    assert.deepEqual(v.validateFetch(4, 1), { kind: 'snapshot', snapshotId: { endOffset: 4, epoch: 2 } });
    assert.deepEqual(v.validateFetch(5, 2), { kind: 'valid' });
  });

  it('finds the follower\'s truncation point for a DivergingEpoch', () => {
    // Follower: epoch 1 to offset 3, then epoch 3 (a leader that lost) to offset 6.
    const f = new LogView({ startOffset: 0, endOffset: 0, epochStarts: [] });
    f.append(entries([1, 1, 1, 3, 3, 3]));
    assert.equal(f.truncationOffsetFor({ epoch: 2, endOffset: 5 }), 3);
    assert.equal(f.truncationOffsetFor({ epoch: 1, endOffset: 2 }), 2);
    f.truncateTo(3);
    assert.equal(f.lastFetchedEpoch(), 1);
    assert.deepEqual(f.endOffsetAndEpoch(), { endOffset: 3, epoch: 1 });
  });

  it('keeps the epoch of the entries after a snapshot cut mid-epoch, and recovers a log that starts before its snapshot', () => {
    const v = view();
    v.flushed();
    v.deleteBefore({ endOffset: 6, epoch: 4 });
    assert.equal(v.startOffset, 6);
    assert.deepEqual(v.endOffsetForEpoch(4), { epoch: 4, endOffset: 8 });
    assert.equal(v.epochOf(5), 4);
    const recovered = new LogView({ startOffset: 0, endOffset: 8, snapshotId: { endOffset: 6, epoch: 4 }, epochStarts: epochStartsOf(entries([1, 1, 1, 2, 2, 4, 4, 4])) });
    assert.equal(recovered.recoveredBehindSnapshot, true);
    assert.equal(recovered.startOffset, 6);
    assert.equal(recovered.lastFetchedEpoch(), 4);
  });

  it('refuses appends that break the log', () => {
    const v = view();
    assert.throws(() => v.append(entries([4], 9)), /append at 9/);
    assert.throws(() => v.append(entries([3], 8)), /epoch 3 after epoch 4/);
    assert.throws(() => v.truncateTo(9), /outside/);
  });
});
