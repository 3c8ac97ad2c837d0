/**
 * The broker's side of its registration with the active controller (Kafka's
 * BrokerLifecycleManager): register with this incarnation's endpoints and rack, then heartbeat
 * every broker.heartbeat.interval.ms with the metadata offset it has applied. The controller
 * unfences the broker once it has caught up; `unfenced` resolves then. A heartbeat answered
 * STALE_BROKER_EPOCH (the controller lost or replaced the registration) registers again.
 *
 * Controlled shutdown: heartbeats carry wantShutDown until the controller answers shouldShutDown
 * (it has moved every leadership off this broker), or the time allowed runs out.
 *
 * Failures (no active controller yet, a controller unreachable) are retried on the next beat:
 * the loop never stops on its own, only through `stop`.
 */
import type { Clock, Timer } from './io/clock.js';
import type { Logger } from './util/logger.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import type { BrokerRegistrationRequest } from './protocol/generated/messages/broker-registration-request.js';
import type { BrokerRegistrationResponse } from './protocol/generated/messages/broker-registration-response.js';
import type { BrokerHeartbeatRequest } from './protocol/generated/messages/broker-heartbeat-request.js';
import type { BrokerHeartbeatResponse } from './protocol/generated/messages/broker-heartbeat-response.js';

/** How the broker reaches the active controller (itself, or another node over the wire). */
export interface LifecycleLink {
  registerBroker(req: BrokerRegistrationRequest): Promise<BrokerRegistrationResponse>;
  heartbeat(req: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResponse>;
}

export interface BrokerLifecycleOptions {
  readonly registration: () => BrokerRegistrationRequest;
  /** The offset of the last metadata record this broker has applied (its image's). */
  readonly metadataOffset: () => number;
  readonly heartbeatIntervalMs: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly link: LifecycleLink;
}

export class BrokerLifecycle {
  /** -1 until registered. */
  brokerEpoch = -1n;
  fenced = true;
  private timer: Timer | null = null;
  private stopped = false;
  private wantShutDown = false;
  private shutDownAllowed: (() => void) | null = null;
  private onUnfenced: (() => void) | null = null;
  /** Resolves the first time the controller unfences this broker. */
  readonly unfenced: Promise<void>;
  private lastProblem = '';

  constructor(private readonly o: BrokerLifecycleOptions) {
    this.unfenced = new Promise((resolve) => (this.onUnfenced = resolve));
  }

  /** Registers and heartbeats from now on (in the background; see `unfenced`). */
  start(): void {
    void this.beat();
  }

  /**
   * Asks the controller to move this broker's leaderships away (wantShutDown) and resolves once it
   * agrees or `timeoutMs` passed (Kafka then shuts down anyway: the controller fences it later).
   */
  controlledShutdown(timeoutMs: number): Promise<void> {
    if (this.stopped || this.brokerEpoch < 0n) return Promise.resolve();
    this.wantShutDown = true;
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimer(timeoutMs, () => finish());
      const finish = (): void => {
        timer.cancel();
        this.shutDownAllowed = null;
        resolve();
      };
      this.shutDownAllowed = finish;
      this.schedule(0);
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.shutDownAllowed?.();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.o.clock.setTimer(delayMs, () => void this.beat());
  }

  private async beat(): Promise<void> {
    try {
      // A first heartbeat right after registering: a caught-up broker is unfenced at once.
      if (this.brokerEpoch < 0n) await this.register();
      await this.heartbeat();
      this.lastProblem = '';
    } catch (e) {
      const problem = e instanceof Error ? e.message : String(e);
      // Said once per kind of trouble, not every beat while the controller is away.
      if (problem !== this.lastProblem) this.o.log.warn(`broker ${this.brokerEpoch < 0n ? 'registration' : 'heartbeat'}: ${problem}; retrying`);
      this.lastProblem = problem;
    }
    this.schedule(this.brokerEpoch < 0n || (this.fenced && !this.wantShutDown) ? Math.min(this.o.heartbeatIntervalMs, 100) : this.o.heartbeatIntervalMs);
  }

  private async register(): Promise<void> {
    const r = await this.o.link.registerBroker(this.o.registration());
    if (r.errorCode !== ErrorCode.NONE) throw new Error(`the controller refused the registration (error ${r.errorCode})`);
    this.brokerEpoch = r.brokerEpoch;
    this.o.log.info(`registered with the controller: broker epoch ${r.brokerEpoch}`);
  }

  private async heartbeat(): Promise<void> {
    const req: BrokerHeartbeatRequest = {
      brokerId: this.o.registration().brokerId,
      brokerEpoch: this.brokerEpoch,
      currentMetadataOffset: BigInt(this.o.metadataOffset()),
      wantFence: false,
      wantShutDown: this.wantShutDown,
    };
    const r = await this.o.link.heartbeat(req);
    if (r.errorCode === ErrorCode.STALE_BROKER_EPOCH) {
      this.brokerEpoch = -1n;
      throw new Error('the controller no longer knows this registration (STALE_BROKER_EPOCH): registering again');
    }
    if (r.errorCode !== ErrorCode.NONE) throw new Error(`heartbeat refused (error ${r.errorCode})`);
    if (this.fenced !== r.isFenced) this.o.log.info(r.isFenced ? 'the controller fenced this broker' : 'the controller unfenced this broker');
    this.fenced = r.isFenced;
    if (!r.isFenced) this.onUnfenced?.();
    if (r.shouldShutDown) this.shutDownAllowed?.();
  }
}
