import assert from 'node:assert/strict';
import type { Clock, Timer } from '../io/clock.js';
import { ConfigResourceType } from '../metadata/metadata-image.js';
import { ALTER_LOG_DIRS_RATE_KEY, logDirMoveThrottle } from './log-dir-move-throttle.js';

/** A clock whose timers fire as soon as they are armed, each advancing time by its delay. */
class JumpingClock implements Clock {
  now = 1_000_000;
  nowMs(): number {
    return this.now;
  }
  setTimer(delayMs: number, fn: () => void): Timer {
    this.now += delayMs;
    queueMicrotask(fn);
    return { cancel: () => undefined };
  }
}

function image(perBroker: Record<string, string>, cluster: Record<string, string> = {}) {
  return { resourceConfig: (type: number, name: string) => new Map(Object.entries(type === ConfigResourceType.Broker ? (name === '' ? cluster : perBroker) : {})) };
}

describe('the log-dir move throttle (replica.alter.log.dirs.io.max.bytes.per.second)', () => {
  it('unbounded when unset: a chunk never waits', async () => {
    const clock = new JumpingClock();
    const t = logDirMoveThrottle({ image: image({}), localId: 1, clock, windows: 11, windowMs: 1000 });
    const start = clock.now;
    for (let i = 0; i < 10; i++) await t.throttle(1 << 20);
    assert.equal(clock.now, start);
  });

  it('over the bound, each chunk waits until the measured rate is back under it (this broker over the cluster default)', async () => {
    const clock = new JumpingClock();
    const t = logDirMoveThrottle({ image: image({ [ALTER_LOG_DIRS_RATE_KEY]: '100000' }, { [ALTER_LOG_DIRS_RATE_KEY]: '1' }), localId: 1, clock, windows: 11, windowMs: 1000, maxWaitMs: 60_000 });
    const start = clock.now;
    for (let i = 0; i < 20; i++) await t.throttle(50_000);
    const seconds = (clock.now - start) / 1000;
    // 1,000,000 bytes at 100 KB/s: about 10 s (the last chunk is recorded, not waited for).
    assert.ok(seconds >= 8 && seconds <= 11, `took ${seconds} s of clock time`);
    assert.ok(t.byteRate() <= 110_000, `measured ${t.byteRate()} B/s`);
  });

  it('waits at most maxWaitMs for one chunk (a move being cancelled is not held up)', async () => {
    const clock = new JumpingClock();
    const t = logDirMoveThrottle({ image: image({}, { [ALTER_LOG_DIRS_RATE_KEY]: '10' }), localId: 1, clock, windows: 11, windowMs: 1000, maxWaitMs: 1000 });
    const start = clock.now;
    await t.throttle(1 << 20);
    assert.ok(clock.now - start <= 1000, `waited ${clock.now - start} ms`);
  });
});
