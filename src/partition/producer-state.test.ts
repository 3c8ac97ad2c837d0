import assert from 'node:assert/strict';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { lastSequenceOf, ProducerStateManager, type IdempotentBatch } from './producer-state.js';

const b = (firstSeq: number, count: number, epoch = 0, producerId = 7n): IdempotentBatch => ({ producerId, epoch, firstSeq, lastSeq: lastSequenceOf(firstSeq, count - 1) });

describe('ProducerStateManager (Kafka idempotence rules)', () => {
  it('accepts a new producer at any sequence, then requires the next one in order', () => {
    const s = new ProducerStateManager();
    assert.equal(s.check(b(0, 3)).kind, 'append');
    s.record(b(0, 3), 10, 12, 100);
    assert.equal(s.check(b(3, 2)).kind, 'append');
    const gap = s.check(b(5, 1));
    assert.equal(gap.kind, 'error');
    assert.equal(gap.kind === 'error' && gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('answers a retry of one of the last five batches with its original offsets', () => {
    const s = new ProducerStateManager();
    let offset = 0;
    for (let seq = 0; seq < 7 * 2; seq += 2) {
      s.record(b(seq, 2), offset, offset + 1, 1);
      offset += 2;
    }
    assert.deepEqual(s.check(b(12, 2)), { kind: 'duplicate', firstOffset: 12, lastOffset: 13 });
    assert.deepEqual(s.check(b(4, 2)), { kind: 'duplicate', firstOffset: 4, lastOffset: 5 });
    // older than the last five: no longer recognisable, and out of sequence
    assert.equal(s.check(b(2, 2)).kind, 'error');
  });

  it('fences an older epoch and lets a new epoch start only at sequence 0', () => {
    const s = new ProducerStateManager();
    s.record(b(0, 1, 3), 0, 0, 1);
    const old = s.check(b(1, 1, 2));
    assert.equal(old.kind === 'error' && old.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    const bad = s.check(b(5, 1, 4));
    assert.equal(bad.kind === 'error' && bad.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(s.check(b(0, 1, 4)).kind, 'append');
    s.record(b(0, 1, 4), 1, 1, 2);
    assert.equal(s.get(7n)?.epoch, 4);
    assert.equal(s.get(7n)?.batches.length, 1);
  });

  it('wraps sequences at Int32.MAX', () => {
    const s = new ProducerStateManager();
    const max = 0x7fffffff;
    s.record({ producerId: 1n, epoch: 0, firstSeq: max - 1, lastSeq: max }, 0, 1, 1);
    assert.equal(s.check({ producerId: 1n, epoch: 0, firstSeq: 0, lastSeq: 4 }).kind, 'append');
    assert.equal(lastSequenceOf(max - 1, 3), 1);
  });

  it('expires idle producers and forgets those below the log start offset', () => {
    const s = new ProducerStateManager();
    s.record(b(0, 1, 0, 1n), 0, 0, 1000);
    s.record(b(0, 1, 0, 2n), 5, 5, 5000);
    assert.equal(s.expire(6000, 2000), 1);
    assert.equal(s.get(1n), undefined);
    s.truncateHead(6);
    assert.equal(s.size, 0);
  });
});

describe('ProducerStateManager (transactions: LSO and aborted index)', () => {
  const t = (producerId: bigint, firstSeq: number, count: number, epoch = 0): IdempotentBatch => ({ ...b(firstSeq, count, epoch, producerId), isTransactional: true });

  it('an open transaction bounds the LSO at its first offset until its marker', () => {
    const s = new ProducerStateManager();
    assert.equal(s.firstUnstableOffset(), null);
    s.record(t(1n, 0, 2), 0, 1, 1);
    s.record(t(2n, 0, 1), 2, 2, 1);
    s.record(t(1n, 2, 1), 3, 3, 1);
    assert.equal(s.firstUnstableOffset(), 0);
    s.completeTxn(1n, 0, true, 4, 0, 2);
    assert.equal(s.firstUnstableOffset(), 2);
    s.completeTxn(2n, 0, false, 5, 0, 2);
    assert.equal(s.firstUnstableOffset(), null);
    assert.deepEqual(s.abortedTransactions(0, 10), [{ producerId: 2n, firstOffset: 2, lastOffset: 5 }]);
    assert.deepEqual(s.abortedTransactions(6, 10), [], 'ended before the fetch');
    assert.deepEqual(s.abortedTransactions(0, 2), [], 'starts after the fetched range');
  });

  it('a marker moves the producer to its epoch: the old epoch is fenced, the new one starts at 0', () => {
    const s = new ProducerStateManager();
    s.record(t(1n, 0, 3), 0, 2, 1);
    assert.equal(s.checkMarker(1n, 1, 0), null);
    s.completeTxn(1n, 1, false, 3, 0, 2);
    const zombie = s.check(t(1n, 3, 1, 0));
    assert.equal(zombie.kind === 'error' && zombie.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal(s.checkMarker(1n, 0, 0)?.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal(s.checkMarker(1n, 1, -5)?.errorCode, ErrorCode.TRANSACTION_COORDINATOR_FENCED);
    assert.equal(s.check(t(1n, 0, 1, 2)).kind, 'append');
  });

  it('refuses a non-transactional batch while the producer\'s transaction is open', () => {
    const s = new ProducerStateManager();
    s.record(t(1n, 0, 1), 0, 0, 1);
    const r = s.check(b(1, 1, 0, 1n));
    assert.equal(r.kind === 'error' && r.errorCode, ErrorCode.INVALID_TXN_STATE);
  });

  it('keeps producers with an open transaction through expiry; drops aborted entries below the log start', () => {
    const s = new ProducerStateManager();
    s.record(t(1n, 0, 1), 0, 0, 1);
    s.record(t(2n, 0, 1), 1, 1, 1);
    s.completeTxn(2n, 0, false, 2, 0, 1);
    assert.equal(s.expire(1_000_000, 10), 1);
    assert.ok(s.get(1n) !== undefined);
    s.truncateHead(3);
    assert.deepEqual(s.abortedTransactions(0, 100), []);
  });
});
