/**
 * One connection to one Kafka broker, speaking through Tributary's generated codecs: the TCP connect
 * and the ApiVersions exchange (connect()), then requests at the highest version both sides speak
 * (send()). The CLI, `tributary compat` and the tests all reach brokers through this.
 *
 * Every step is bounded: the connect and every request have a timeout, so a dead endpoint is a clear
 * EndpointError within seconds, never a hang. Requests on one connection go one after another (a
 * caller may start several; they queue), so responses match requests by order and correlation id.
 */
import { systemClock, type Clock } from '../io/clock.js';
import { Reader } from '../protocol/codec/reader.js';
import type { Writer } from '../protocol/codec/writer.js';
import { ApiKey, apiName } from '../protocol/generated/api-keys.js';
import { errorName } from '../protocol/generated/error-codes.js';
import { decodeApiVersionsResponse, type ApiVersion } from '../protocol/generated/messages/api-versions-response.js';
import { encodeApiVersionsRequest } from '../protocol/generated/messages/api-versions-request.js';
import { FrameStream } from './frame-stream.js';
import { encodeRequestFrame } from './request-header.js';

/** The endpoint could not be reached or did not speak Kafka (a connection problem, not a Kafka error code). */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

export const DEFAULT_CLIENT_ID = 'tributary';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** An address that is not host:port: the caller's mistake (a usage error), not the endpoint's. */
export class AddressError extends Error {
  override name = 'AddressError';
}

/** Parses `host:port` (IPv6 as `[::1]:9092`); throws an AddressError naming the problem. */
export function parseHostPort(s: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:\s]+):(\d+)$/.exec(s);
  const port = Number(m?.[2]);
  if (m?.[1] === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AddressError(`'${s}' is not host:port (for example 127.0.0.1:9092)`);
  }
  return { host: m[1], port };
}

/** `host:port`, IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Versions the endpoint advertises: API key → [min, max]. */
export type ApiVersionTable = ReadonlyMap<number, { readonly min: number; readonly max: number }>;

/** One request kind: how to encode it, decode its answer, and the versions this client speaks. */
export interface ApiCall<T> {
  readonly key: number;
  /** Highest version this client can encode/decode, and the lowest it accepts. */
  readonly ours: { readonly min: number; readonly max: number };
  readonly firstFlexibleVersion: number;
  readonly encode: (w: Writer, v: number) => void;
  readonly decode: (r: Reader, v: number) => T;
}

/** A generated message's meta (api key, versions, first flexible version). */
export interface MessageMeta {
  readonly apiKey: number;
  readonly maxVersion: number;
  readonly firstFlexibleVersion: number;
}

/** An ApiCall from a generated request's meta and its codecs; `min`/`max` narrow the versions this client uses. */
export function apiCall<Req, Res>(
  meta: MessageMeta, encode: (w: Writer, v: number, m: Req) => void, decode: (r: Reader, v: number) => Res,
  body: Req | ((v: number) => Req), range: { min?: number; max?: number } = {},
): ApiCall<Res> {
  return {
    key: meta.apiKey,
    ours: { min: range.min ?? 0, max: Math.min(range.max ?? meta.maxVersion, meta.maxVersion) },
    firstFlexibleVersion: meta.firstFlexibleVersion,
    encode: (w, v) => encode(w, v, typeof body === 'function' ? (body as (v: number) => Req)(v) : body),
    decode,
  };
}

export interface ConnectOptions {
  readonly timeoutMs?: number;
  readonly clientId?: string;
  readonly clock?: Clock;
  /**
   * The correlation id before the first request's (default 0). A caller reconnecting to the same
   * peer continues its sequence, so a request never reuses an id the peer may still be answering.
   */
  readonly firstCorrelationId?: number;
}

export class KafkaConnection {
  private correlationId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  versions: ApiVersionTable = new Map();

  protected constructor(private readonly frames: FrameStream, readonly address: string, readonly timeoutMs: number, private readonly clientId: string) {}

  /** Connects (bounded by timeoutMs) and asks for ApiVersions. */
  static async connect(address: string, timeoutMsOrOptions: number | ConnectOptions = {}): Promise<KafkaConnection> {
    const o = typeof timeoutMsOrOptions === 'number' ? { timeoutMs: timeoutMsOrOptions } : timeoutMsOrOptions;
    const frames = await openFrames(address, o);
    const c = new KafkaConnection(frames, address, o.timeoutMs ?? 5_000, o.clientId ?? DEFAULT_CLIENT_ID);
    c.correlationId = o.firstCorrelationId ?? 0;
    return c.start();
  }

  /** Negotiates versions; closes and throws when the endpoint does not answer as Kafka does. */
  protected async start(): Promise<this> {
    try {
      await this.loadApiVersions();
    } catch (e) {
      this.close();
      throw e;
    }
    return this;
  }

  close(): void {
    this.frames.close();
  }

  /** The correlation id of the latest request sent (see ConnectOptions.firstCorrelationId). */
  get lastCorrelationId(): number {
    return this.correlationId;
  }

  private async loadApiVersions(): Promise<void> {
    // v0: every Kafka since 0.10 answers it, and it has no flexible header to get wrong.
    let resp;
    try {
      resp = await this.send({
        key: ApiKey.ApiVersions, ours: { min: 0, max: 0 }, firstFlexibleVersion: 99,
        encode: (w, v) => encodeApiVersionsRequest(w, v, {}),
        decode: (r, v) => decodeApiVersionsResponse(r, v),
      }, 0);
    } catch (e) {
      if (e instanceof EndpointError) {
        throw new EndpointError(`${this.address} accepted the connection but did not answer ApiVersions: ${e.message}. Is it a Kafka listener (PLAINTEXT)?`);
      }
      throw e;
    }
    if (resp.errorCode !== 0) throw new EndpointError(`${this.address} answered ApiVersions with ${errorName(resp.errorCode)}`);
    this.versions = new Map(resp.apiKeys.map((k: ApiVersion) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }

  /** The version to use: the highest both sides speak; throws when there is none. */
  pick(key: number, ours: { min: number; max: number }): number {
    const theirs = this.versions.get(key);
    if (theirs === undefined) throw new EndpointError(`${this.address} does not advertise ${apiName(key)}`);
    const v = Math.min(theirs.max, ours.max);
    if (v < Math.max(theirs.min, ours.min)) {
      throw new EndpointError(`${this.address} advertises ${apiName(key)} v${theirs.min}-${theirs.max}; this client needs v${ours.min}-${ours.max}`);
    }
    return v;
  }

  /** Sends one request and reads its response (version chosen from ApiVersions unless given). */
  send<T>(m: ApiCall<T>, version?: number, timeoutMs = this.timeoutMs): Promise<T> {
    const run = this.queue.then(() => this.exchange(m, version, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sends a request the broker does not answer (Produce with acks=0). */
  sendWithoutResponse(m: ApiCall<unknown>): Promise<void> {
    const run = this.queue.then(() => {
      if (this.frames.closed) throw this.closedError();
      const v = this.pick(m.key, m.ours);
      this.frames.sendFrame(encodeRequestFrame(m.key, v, this.nextCorrelationId(), this.clientId, v >= m.firstFlexibleVersion, (w) => m.encode(w, v)));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async exchange<T>(m: ApiCall<T>, version: number | undefined, timeoutMs: number): Promise<T> {
    if (this.frames.closed) throw this.closedError();
    const v = version ?? this.pick(m.key, m.ours);
    const flexible = v >= m.firstFlexibleVersion;
    const correlationId = this.nextCorrelationId();
    this.frames.sendFrame(encodeRequestFrame(m.key, v, correlationId, this.clientId, flexible, (w) => m.encode(w, v)));
    const frame = await this.frames.receive(timeoutMs);
    if (frame === null) {
      if (this.frames.closed) throw this.closedError();
      this.close();
      throw new EndpointError(`${this.address}: no answer to ${apiName(m.key)} v${v} within ${timeoutMs} ms`);
    }
    const r = new Reader(frame);
    const gotId = r.readInt32();
    if (gotId !== correlationId) throw new EndpointError(`${this.address}: response correlation id ${gotId}, expected ${correlationId}`);
    // ApiVersions responses always use header v0 (KIP-511); others follow the request's flexibility.
    if (flexible && m.key !== ApiKey.ApiVersions) r.readTaggedFields();
    return m.decode(r, v);
  }

  /** The next id, wrapping within int32 (the header's type). */
  private nextCorrelationId(): number {
    this.correlationId = this.correlationId >= 0x7fffffff ? 1 : this.correlationId + 1;
    return this.correlationId;
  }

  private closedError(): EndpointError {
    const why = this.frames.closeReason;
    return new EndpointError(why === undefined ? `${this.address} closed the connection` : `${this.address}: ${why}`);
  }
}

/** The framed TCP stream to `address`, or an EndpointError saying why there is none. */
export async function openFrames(address: string, o: ConnectOptions): Promise<FrameStream> {
  const { host, port } = parseHostPort(address);
  const timeoutMs = o.timeoutMs ?? 5_000;
  try {
    return await FrameStream.connectTo(host, port, timeoutMs, o.clock ?? systemClock);
  } catch (e) {
    throw new EndpointError(`cannot connect to ${address}: ${(e as Error).message}`);
  }
}
