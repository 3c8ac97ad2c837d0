/**
 * One client connection: frames in, responses out in request order.
 *
 * Requests are pipelined: a client may send many before reading. "Pipelined" APIs (produce, fetch,
 * metadata …) start as soon as they arrive, in arrival order, so a long-polling fetch does not hold
 * up a produce behind it; an "exclusive" API (topic admin, group and transaction coordination)
 * starts only after every earlier request on the connection has completed, and nothing after it
 * starts before it ends — Kafka's one-request-at-a-time semantics where ordering of side effects
 * matters. Responses are written strictly in request order whatever order handlers finish in.
 *
 * Memory is bounded: reading pauses while too many requests are in flight or the socket's send
 * buffer is full (a slow consumer cannot make the broker buffer without limit).
 */
import type { ByteStream } from '../io/tcp.js';
import { FrameDecoder } from './frame-decoder.js';
import type { FramePool } from './frame-pool.js';
import { RequestTiming, type RequestObserver } from './request-timing.js';

export const CLOSE_CONNECTION = Symbol('close-connection');
export type ProcessResult = Buffer[] | null | typeof CLOSE_CONNECTION;

export interface RequestProcessor {
  /** Whether requests of this API must run alone (see the file header). Unknown keys: true. */
  isExclusive(apiKey: number): boolean;
  /**
   * Decodes, handles and encodes one request frame; null = no response (acks=0 produce). `timing`
   * is given when request metrics are on (the handler marks remote waits on it).
   */
  process(frame: Buffer, connection: ConnectionInfo, timing?: RequestTiming): Promise<ProcessResult>;
  /** Whether nothing of a request of this API outlives its processing, so its frame may be reused. */
  releasesFrame(apiKey: number): boolean;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly listenerName: string;
}

export interface ConnectionLimits {
  maxFrameBytes: number;
  maxInFlightRequests: number;
  /** Large frames are filled into reusable buffers from here (shared by the node's connections). */
  framePool?: FramePool;
  /** Told each request's timing (request metrics); absent = no timing at all. */
  observer?: RequestObserver;
}

export class Connection implements ConnectionInfo {
  private readonly decoder: FrameDecoder;
  private inFlight = 0;
  private paused = false;
  private closed = false;
  /** Settles when every request so far has completed (the gate exclusive requests wait on). */
  private allDone: Promise<unknown> = Promise.resolve();
  /** Settles when the last exclusive request has completed (the gate pipelined requests wait on). */
  private exclusiveDone: Promise<unknown> = Promise.resolve();
  /** The chain that writes responses in request order. */
  private writeChain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    private readonly stream: ByteStream,
    readonly listenerName: string,
    private readonly processor: RequestProcessor,
    private readonly limits: ConnectionLimits,
    private readonly log: (msg: string) => void,
    onClose: () => void,
  ) {
    this.decoder = new FrameDecoder(limits.maxFrameBytes, limits.framePool ?? null);
    stream.onData((chunk) => this.onData(chunk));
    stream.onDrain(() => this.maybeResume());
    stream.onClose(() => {
      this.closed = true;
      onClose();
    });
  }

  get remoteAddress(): string {
    return this.stream.remoteAddress;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const result of this.decoder.push(chunk)) {
      if (result.kind === 'invalid') {
        this.log(`closing connection ${this.remoteAddress}: ${result.reason}`);
        this.close();
        return;
      }
      this.dispatch(result.frame, result.pooled);
    }
  }

  private dispatch(frame: Buffer, pooled: boolean): void {
    const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
    const observer = this.limits.observer;
    const timing = observer === undefined ? undefined : new RequestTiming(observer.now(), observer.now);
    const run = timing === undefined ? (): Promise<ProcessResult> => this.processor.process(frame, this) : this.timed(frame, timing);
    let response: Promise<ProcessResult>;
    if (this.processor.isExclusive(apiKey)) {
      response = this.allDone.then(run, run);
      this.exclusiveDone = response.catch(() => undefined);
    } else {
      response = this.exclusiveDone.then(run);
    }
    this.allDone = Promise.allSettled([this.allDone, response]).then(() => undefined);
    const pool = this.limits.framePool;
    // Only after a successful completion: a failed request may have left views of the frame behind.
    if (pooled && pool !== undefined && this.processor.releasesFrame(apiKey)) response.then(() => pool.give(frame), () => undefined);
    this.track(response);
    const apiVersion = frame.length >= 4 ? frame.readInt16BE(2) : -1;
    const send = timing === undefined ? (r: ProcessResult) => this.send(r) : (r: ProcessResult) => this.sendTimed(r, timing, apiKey, apiVersion);
    this.writeChain = this.writeChain.then(() => response.then(send, (e: unknown) => this.fail(e)));
  }

  private timed(frame: Buffer, timing: RequestTiming): () => Promise<ProcessResult> {
    const now = (this.limits.observer as RequestObserver).now;
    return () => {
      timing.startedMs = now();
      return this.processor.process(frame, this, timing).then((r) => {
        timing.completedMs = now();
        return r;
      });
    };
  }

  private sendTimed(result: ProcessResult, timing: RequestTiming, apiKey: number, apiVersion: number): void {
    const observer = this.limits.observer as RequestObserver;
    const sendStart = observer.now();
    this.send(result);
    if (result !== CLOSE_CONNECTION) observer.completed(apiKey, apiVersion, timing.times(sendStart, observer.now()));
  }

  private track(response: Promise<ProcessResult>): void {
    this.inFlight++;
    if (this.inFlight >= this.limits.maxInFlightRequests) this.pause();
    const done = (): void => {
      this.inFlight--;
      this.maybeResume();
    };
    response.then(done, done);
  }

  private send(result: ProcessResult): void {
    if (this.closed || result === null) return;
    if (result === CLOSE_CONNECTION) {
      this.close();
      return;
    }
    if (!this.stream.write(result)) this.pause();
  }

  private fail(e: unknown): void {
    // A handler must answer with error codes; reaching here is a bug in it. Kafka closes the
    // connection in this case too, and the broker keeps serving everyone else.
    this.log(`closing connection ${this.remoteAddress} after an unexpected error: ${e instanceof Error ? e.stack : String(e)}`);
    this.close();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.stream.pause();
  }

  private maybeResume(): void {
    if (!this.paused || this.closed || this.inFlight >= this.limits.maxInFlightRequests) return;
    this.paused = false;
    this.stream.resume();
  }
}
