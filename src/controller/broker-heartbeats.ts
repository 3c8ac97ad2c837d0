/**
 * The active controller's view of broker liveness (Kafka's BrokerHeartbeatManager), clock-free:
 * every call takes `nowMs`. Per broker: last contact, the metadata offset its last heartbeat
 * reported, and, once it entered controlled shutdown, the offset every active broker must reach
 * before it may shut down.
 *
 * This state is the controller's own, not metadata: a newly active controller starts it from the
 * image (`track`), giving every broker it finds a fresh session, as Kafka's controller does.
 *
 * Invariant: a broker's session is valid iff it is unfenced and was heard from within the session
 * timeout; a fenced broker has no session.
 */

export type BrokerControlState = 'fenced' | 'unfenced' | 'controlledShutdown' | 'shutdownNow';

interface HeartbeatState {
  lastContactMs: number;
  fenced: boolean;
  /** The metadata offset of its last heartbeat; -1 until one arrives. */
  metadataOffset: number;
  /** -1 when not in controlled shutdown; Infinity while the offset is not yet known. */
  controlledShutdownOffset: number;
  /** Whether this controller has heard from the broker itself (not just found it in the image). */
  heard: boolean;
}

export interface NextStateRequest {
  wantFence: boolean;
  wantShutDown: boolean;
  currentMetadataOffset: number;
}

export class BrokerHeartbeats {
  private readonly brokers = new Map<number, HeartbeatState>();

  constructor(readonly sessionTimeoutMs: number) {}

  has(brokerId: number): boolean {
    return this.brokers.has(brokerId);
  }

  /** Starts tracking a broker this controller has not heard from (a registration, or a failover). */
  track(brokerId: number, fenced: boolean, nowMs: number): void {
    if (!this.brokers.has(brokerId)) this.brokers.set(brokerId, { lastContactMs: nowMs, fenced, metadataOffset: -1, controlledShutdownOffset: -1, heard: false });
  }

  /** A (re)registration: a new incarnation starts a new session; the same one keeps its offset. */
  register(brokerId: number, fenced: boolean, newIncarnation: boolean, nowMs: number): void {
    if (newIncarnation) this.brokers.delete(brokerId);
    const existing = this.brokers.get(brokerId);
    const offset = existing !== undefined && existing.fenced !== fenced ? existing.metadataOffset : -1;
    this.track(brokerId, fenced, nowMs);
    this.touch(brokerId, fenced, offset, nowMs);
  }

  /** Forgets every session (this controller is no longer active). */
  clear(): void {
    this.brokers.clear();
  }

  remove(brokerId: number): void {
    this.brokers.delete(brokerId);
  }

  /** A heartbeat (or registration) arrived: records contact and the broker's resulting fencing. */
  touch(brokerId: number, fenced: boolean, metadataOffset: number, nowMs: number): void {
    const b = this.state(brokerId);
    b.heard = true;
    b.lastContactMs = nowMs;
    b.metadataOffset = metadataOffset;
    b.fenced = fenced;
    // A fenced broker leaves controlled shutdown; its next heartbeat shuts it down at once.
    if (fenced) b.controlledShutdownOffset = -1;
  }

  fence(brokerId: number): void {
    const b = this.brokers.get(brokerId);
    if (b !== undefined) {
      b.fenced = true;
      b.controlledShutdownOffset = -1;
    }
  }

  /**
   * A live session: unfenced and heard from within the timeout. A session only found in the image
   * at activation does not count: after a controller restart (a lone node's own restart above all)
   * the broker's new incarnation registers at once instead of waiting out a session nobody holds.
   */
  hasValidSession(brokerId: number, nowMs: number): boolean {
    const b = this.brokers.get(brokerId);
    return b !== undefined && b.heard && !b.fenced && b.lastContactMs + this.sessionTimeoutMs >= nowMs;
  }

  /** Unfenced brokers not heard from within the session timeout, oldest contact first. */
  expired(nowMs: number): number[] {
    return [...this.brokers]
      .filter(([, b]) => !b.fenced && b.lastContactMs + this.sessionTimeoutMs < nowMs)
      .sort(([, a], [, b]) => a.lastContactMs - b.lastContactMs)
      .map(([id]) => id);
  }

  /** Marks the broker in controlled shutdown; the offset is set once its records are committed. */
  enterControlledShutdown(brokerId: number): void {
    const b = this.state(brokerId);
    if (b.controlledShutdownOffset < 0) b.controlledShutdownOffset = Infinity;
  }

  setControlledShutdownOffset(brokerId: number, offset: number): void {
    const b = this.brokers.get(brokerId);
    if (b !== undefined && b.controlledShutdownOffset === Infinity) b.controlledShutdownOffset = offset;
  }

  shuttingDown(brokerId: number): boolean {
    return (this.brokers.get(brokerId)?.controlledShutdownOffset ?? -1) >= 0;
  }

  /** The lowest metadata offset among unfenced brokers not shutting down (Infinity when none). */
  lowestActiveOffset(): number {
    let lowest = Infinity;
    for (const b of this.brokers.values()) if (!b.fenced && b.controlledShutdownOffset < 0) lowest = Math.min(lowest, b.metadataOffset);
    return lowest;
  }

  /** Kafka's calculateNextBrokerState: the state a heartbeat moves the broker to. */
  nextState(brokerId: number, req: NextStateRequest, registerOffset: number, hasLeaderships: () => boolean): { current: BrokerControlState; next: BrokerControlState } {
    const b = this.state(brokerId);
    const current: BrokerControlState = b.controlledShutdownOffset >= 0 ? 'controlledShutdown' : b.fenced ? 'fenced' : 'unfenced';
    const next = ((): BrokerControlState => {
      switch (current) {
        case 'fenced':
          if (req.wantShutDown) return 'shutdownNow';
          if (!req.wantFence && req.currentMetadataOffset >= registerOffset) return 'unfenced';
          return 'fenced';
        case 'unfenced':
          if (req.wantFence) return req.wantShutDown ? 'shutdownNow' : 'fenced';
          if (req.wantShutDown) return hasLeaderships() ? 'controlledShutdown' : 'shutdownNow';
          return 'unfenced';
        default:
          if (hasLeaderships()) return 'controlledShutdown';
          // Shut down only once every active broker has seen the leadership moves.
          return b.controlledShutdownOffset <= this.lowestActiveOffset() ? 'shutdownNow' : 'controlledShutdown';
      }
    })();
    return { current, next };
  }

  private state(brokerId: number): HeartbeatState {
    const b = this.brokers.get(brokerId);
    if (b === undefined) throw new Error(`broker ${brokerId} is not registered`);
    return b;
  }
}
