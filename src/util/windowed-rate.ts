/**
 * A rate (units per second) over a ring of time windows, with the semantics of Kafka's metrics
 * `SimpleRate` over a windowed sum (SampledStat), which the replication quotas measure with:
 * - a value is added to the current window; a window is complete once `windowMs` has passed since
 *   it started, and the next value then opens a new one (the ring holds `windows + 1`: one extra
 *   for the window overlapping the measured span's start);
 * - a window whose last value is `windows × windowMs` old or more no longer counts;
 * - the rate is the sum of the windows divided by the time since the oldest window started, but
 *   never by less than one window (so a burst right after a quiet spell reads as a full window's
 *   worth, not as an enormous rate over a few milliseconds).
 *
 * Time is passed in (milliseconds), so callers choose the clock and tests drive it.
 */
export interface WindowedRateConfig {
  /** How many windows the rate spans (Kafka's `samples`, e.g. replication.quota.window.num). */
  readonly windows: number;
  /** One window's length in ms (e.g. replication.quota.window.size.seconds × 1000). */
  readonly windowMs: number;
}

interface Window {
  startMs: number;
  lastMs: number;
  value: number;
}

export class WindowedRate {
  private readonly ring: Window[] = [];
  private current = 0;

  constructor(private readonly config: WindowedRateConfig) {
    if (!(config.windows >= 1) || !(config.windowMs >= 1)) throw new Error(`invalid rate windows: ${config.windows} × ${config.windowMs} ms`);
  }

  /** Adds `value` at `nowMs`. */
  record(value: number, nowMs: number): void {
    let w = this.currentWindow(nowMs);
    if (nowMs - w.startMs >= this.config.windowMs) w = this.advance(nowMs);
    w.value += value;
    w.lastMs = nowMs;
  }

  /** Units per second at `nowMs`. */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let sum = 0;
    let oldestStart = this.currentWindow(nowMs).startMs;
    for (const w of this.ring) {
      sum += w.value;
      if (w.startMs < oldestStart) oldestStart = w.startMs;
    }
    const spanMs = Math.max(nowMs - oldestStart, this.config.windowMs);
    return sum / (spanMs / 1000);
  }

  private currentWindow(nowMs: number): Window {
    if (this.ring.length === 0) this.ring.push({ startMs: nowMs, lastMs: nowMs, value: 0 });
    return this.ring[this.current] as Window;
  }

  private advance(nowMs: number): Window {
    this.current = (this.current + 1) % (this.config.windows + 1);
    if (this.current >= this.ring.length) {
      const w = { startMs: nowMs, lastMs: nowMs, value: 0 };
      this.ring.push(w);
      return w;
    }
    const w = this.ring[this.current] as Window;
    reset(w, nowMs);
    return w;
  }

  /** Windows with no value for the whole measured span start over (empty) at `nowMs`. */
  private purgeObsolete(nowMs: number): void {
    const expireMs = this.config.windows * this.config.windowMs;
    for (const w of this.ring) if (nowMs - w.lastMs >= expireMs) reset(w, nowMs);
  }
}

function reset(w: Window, nowMs: number): void {
  w.startMs = nowMs;
  w.lastMs = nowMs;
  w.value = 0;
}
