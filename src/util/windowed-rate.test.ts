import assert from 'node:assert/strict';
import { WindowedRate } from './windowed-rate.js';

// Kafka's replication quota windows: 11 of 1 s.
const config = { windows: 11, windowMs: 1000 };
const T0 = 1_700_000_000_000;

describe('WindowedRate (Kafka SimpleRate over a windowed sum)', () => {
  it('is 0 before anything is recorded', () => {
    assert.equal(new WindowedRate(config).measure(T0), 0);
  });

  it('divides by at least one window: a first burst reads as that many units per second', () => {
    const r = new WindowedRate(config);
    r.record(1000, T0);
    assert.equal(r.measure(T0), 1000);
    assert.equal(r.measure(T0 + 500), 1000);
    // After the first window, by the time since the oldest window started.
    assert.equal(r.measure(T0 + 2000), 500);
    assert.equal(r.measure(T0 + 4000), 250);
  });

  it('a steady flow measures its rate', () => {
    const r = new WindowedRate(config);
    for (let t = 0; t <= 30_000; t += 100) r.record(100, T0 + t); // 1000 per second
    const measured = r.measure(T0 + 30_000);
    assert.ok(measured > 900 && measured < 1100, `measured ${measured}`);
  });

  it('forgets windows older than the measured span (windows × window size)', () => {
    const r = new WindowedRate(config);
    r.record(5000, T0);
    assert.equal(r.measure(T0 + 10_999), 5000 / 10.999);
    assert.equal(r.measure(T0 + 11_000), 0);
    // A burst after a quiet spell is over one window again, not over the quiet time.
    r.record(300, T0 + 30_000);
    assert.equal(r.measure(T0 + 30_000), 300);
  });

  it('values in later windows add up over the span since the oldest window started', () => {
    const r = new WindowedRate(config);
    r.record(1000, T0);
    r.record(1000, T0 + 1000); // opens the second window
    r.record(1000, T0 + 2500); // the third
    assert.equal(r.measure(T0 + 3000), 1000);
  });

  it('refuses a config with no windows', () => {
    assert.throws(() => new WindowedRate({ windows: 0, windowMs: 1000 }), /invalid rate windows/);
  });
});
