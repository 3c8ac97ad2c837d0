import assert from 'node:assert/strict';
import { RequestTracker } from './request-tracker.js';

describe('raft/request-tracker', () => {
  const zero = { nextInt: () => 0 };

  it('keeps one request in flight per destination and accepts only its answer', () => {
    const t = new RequestTracker(2000, 20, zero);
    assert.equal(t.isReady(2, 0), true);
    const id = t.send(2, 'FetchRequest', 0);
    assert.equal(t.isReady(2, 10), false);
    assert.equal(t.isReady(3, 10), true);
    assert.equal(t.accept(2, 'FetchResponse', id + 1), false, 'another correlation id');
    assert.equal(t.accept(2, 'VoteResponse', id), false, 'another kind');
    assert.equal(t.accept(3, 'FetchResponse', id), false, 'another node');
    assert.equal(t.accept(2, 'FetchResponse', id), true);
    assert.equal(t.accept(2, 'FetchResponse', id), false, 'a duplicate');
  });

  it('forgets an unanswered request after the request timeout, and backs off after an error', () => {
    const t = new RequestTracker(2000, 20, zero);
    t.send(2, 'VoteRequest', 100);
    assert.equal(t.nextReadyMs(100), 2100);
    assert.equal(t.nextReadyMs(2100), Infinity, 'a destination ready already is no wake-up');
    assert.equal(t.hasAnyInFlight(2099), true);
    assert.equal(t.hasAnyInFlight(2100), false);
    assert.equal(t.isReady(2, 2099), false);
    assert.equal(t.isReady(2, 2100), true);
    t.backoff(3, 50);
    assert.equal(t.isReady(3, 69), false);
    assert.equal(t.isReady(3, 70), true);
    assert.deepEqual([t.isBackingOff(3, 69), t.isBackingOff(3, 70)], [true, false]);
    const id = t.send(4, 'FetchRequest', 0);
    t.reset();
    assert.equal(t.accept(4, 'FetchResponse', id), false, 'answers to a previous role are dropped');
  });
});
