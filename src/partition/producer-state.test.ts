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
