/**
 * Outbound requests, one in flight per destination (Kafka's RequestManager): a response counts
 * only if it answers the request we are waiting for, so duplicates, late answers and answers to
 * a previous role's requests are dropped. A request unanswered for requestTimeoutMs is forgotten
 * and the destination may be asked again; a failed one waits retryBackoffMs.
 */
import type { Random } from '../io/random.js';
import type { NodeId } from './types.js';

interface InFlight {
  readonly correlationId: number;
  readonly kind: string;
  readonly sentMs: number;
}

export class RequestTracker {
  private readonly inFlight = new Map<NodeId, InFlight>();
  private readonly backoffUntil = new Map<NodeId, number>();
  private nextCorrelationId: number;

  constructor(
    private readonly requestTimeoutMs: number,
    private readonly retryBackoffMs: number,
    random: Random,
  ) {
    // A restarted node starts elsewhere in the id space, so answers to its previous life miss.
    this.nextCorrelationId = random.nextInt(1 << 30);
  }

  /** True when nothing is in flight to `to` (or it timed out) and no backoff is pending. */
  isReady(to: NodeId, nowMs: number): boolean {
    const f = this.inFlight.get(to);
    if (f !== undefined && nowMs < f.sentMs + this.requestTimeoutMs) return false;
    return nowMs >= (this.backoffUntil.get(to) ?? 0);
  }

  /** Records a request to `to` and returns its correlation id. */
  send(to: NodeId, kind: string, nowMs: number): number {
    const correlationId = this.nextCorrelationId++;
    this.inFlight.set(to, { correlationId, kind, sentMs: nowMs });
    this.backoffUntil.delete(to);
    return correlationId;
  }

  /** Consumes the in-flight request a response answers; false for anything we are not waiting for. */
  accept(from: NodeId, kind: string, correlationId: number): boolean {
    const f = this.inFlight.get(from);
    if (f === undefined || f.correlationId !== correlationId || `${f.kind.replace(/Request$/, '')}Response` !== kind) return false;
    this.inFlight.delete(from);
    return true;
  }

  /** Is a request to any destination still waiting for its answer (not yet timed out)? */
  hasAnyInFlight(nowMs: number): boolean {
    for (const f of this.inFlight.values()) if (nowMs < f.sentMs + this.requestTimeoutMs) return true;
    return false;
  }

  /** Did the last request to `to` fail less than retryBackoffMs ago? */
  isBackingOff(to: NodeId, nowMs: number): boolean {
    return nowMs < (this.backoffUntil.get(to) ?? 0);
  }

  /** The answer was an error: wait retryBackoffMs before asking `to` again. */
  backoff(to: NodeId, nowMs: number): void {
    this.backoffUntil.set(to, nowMs + this.retryBackoffMs);
  }

  /** Forgets everything (a role change): late answers to the old role's requests are dropped. */
  reset(): void {
    this.inFlight.clear();
    this.backoffUntil.clear();
  }

  /**
   * The earliest time after `nowMs` a destination becomes ready again, for the driver's next
   * wake-up. Destinations already ready do not count: whoever needed them asked them in this step
   * (an observer leaves ready ones behind while it asks another voter; they must not make the
   * driver spin).
   */
  nextReadyMs(nowMs: number): number {
    let next = Infinity;
    for (const f of this.inFlight.values()) if (f.sentMs + this.requestTimeoutMs > nowMs) next = Math.min(next, f.sentMs + this.requestTimeoutMs);
    for (const t of this.backoffUntil.values()) if (t > nowMs) next = Math.min(next, t);
    return next;
  }
}
