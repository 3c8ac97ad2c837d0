/**
 * Where one request's time goes (Kafka's RequestChannel metrics; the phases are described in
 * src/metrics/request-stats.ts). The connection stamps receipt, start and completion; a handler
 * that parks waiting for something other than its own work (a fetch waiting for data) wraps that
 * wait in remote(), so it counts as remote time rather than local.
 *
 * Exists only when metrics are on: without an observer the connection creates none, and the
 * request path does no timing at all.
 */
import type { RequestTimesMs } from '../metrics/request-stats.js';

export interface RequestObserver {
  /** Monotonic ms (fractional). */
  now(): number;
  /** One request has been answered (or, for acks=0 produce, completed without an answer). */
  completed(apiKey: number, apiVersion: number, times: RequestTimesMs): void;
}

export class RequestTiming {
  startedMs: number;
  completedMs: number;
  remoteMs = 0;

  constructor(readonly receivedMs: number, private readonly now: () => number) {
    this.startedMs = receivedMs;
    this.completedMs = receivedMs;
  }

  /** Awaits `wait`, counting the time as remote. */
  async remote<T>(wait: Promise<T>): Promise<T> {
    const from = this.now();
    try {
      return await wait;
    } finally {
      this.remoteMs += this.now() - from;
    }
  }

  /** The phases, given when the response's write began and ended. */
  times(sendStartMs: number, sentMs: number): RequestTimesMs {
    const handlerMs = this.completedMs - this.startedMs;
    return {
      queueMs: this.startedMs - this.receivedMs,
      localMs: Math.max(0, handlerMs - this.remoteMs),
      remoteMs: Math.min(this.remoteMs, handlerMs),
      responseQueueMs: sendStartMs - this.completedMs,
      responseSendMs: sentMs - sendStartMs,
      totalMs: sentMs - this.receivedMs,
    };
  }
}
