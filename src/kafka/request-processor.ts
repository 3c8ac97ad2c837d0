/**
 * Turns one request frame into one response: header, version check, decode, handler, encode.
 *
 * Kafka's rules followed here: an unknown API key, an API not enabled on the connection's listener
 * (the quorum's, off the controller listeners), or an unsupported version of anything but
 * ApiVersions closes the connection (Kafka cannot parse such a request, so it cannot answer it);
 * an unsupported ApiVersions version gets a v0-layout UNSUPPORTED_VERSION answer listing our
 * ApiVersions range, so the client can retry lower (KIP-511); a body that does not decode closes the
 * connection; bytes left after a decoded body are ignored (librdkafka 2.15 sends some).
 */
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { DecodeError } from '../protocol/codec/decode-error.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { apiName } from '../protocol/generated/api-keys.js';
import { CLOSE_CONNECTION, type ConnectionInfo, type ProcessResult, type RequestProcessor } from '../network/connection.js';
import { readRequestHeader, writeResponseHeader } from '../network/request-header.js';
import { CloseConnection, isFlexible, servedOnListener, type AnyApiDefinition } from './api.js';
import type { BrokerServices, RequestContext } from './context.js';
import { API_VERSIONS_KEY, type ApiRegistry } from './registry.js';
import type { RequestTiming } from '../network/request-timing.js';
import type { BrokerTopicStats } from '../metrics/topic-stats.js';
import { ApiKey } from '../protocol/generated/api-keys.js';
import { countFetch, countProduce } from './topic-traffic.js';

export class KafkaRequestProcessor implements RequestProcessor {
  /** True once the broker serves its client listeners (see `servesAfter`). */
  private serving = true;
  private servingGate: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: ApiRegistry,
    private readonly broker: BrokerServices,
    /** BrokerTopicMetrics' counts; absent when metrics are off. */
    private readonly topicStats?: BrokerTopicStats,
  ) {}

  /**
   * Holds requests on every listener but the controller listeners until `ready` (Kafka's broker
   * enables request processing once the controller has unfenced it: until then its image may be
   * partway through the metadata log, and a stale leadership must not take a write). Requests
   * wait, as for a busy broker; controller listeners serve at once (the quorum, registration).
   */
  servesAfter(ready: Promise<void>): void {
    this.serving = false;
    this.servingGate = ready.then(() => {
      this.serving = true;
    });
  }

  isExclusive(apiKey: number): boolean {
    return this.registry.get(apiKey)?.exclusive ?? true;
  }

  releasesFrame(apiKey: number): boolean {
    return this.registry.get(apiKey)?.releasesFrame === true;
  }

  async process(frame: Buffer, connection: ConnectionInfo, timing?: RequestTiming): Promise<ProcessResult> {
    if (!this.serving && this.broker.settings.controllerListenerNames?.includes(connection.listenerName) !== true) await this.servingGate;
    const r = new Reader(frame);
    let header;
    try {
      header = readRequestHeader(r);
    } catch (e) {
      return this.reject(connection, `unreadable request header (${(e as Error).message})`);
    }
    const api = this.registry.get(header.apiKey);
    if (api === undefined) {
      return this.reject(connection, `unknown API key ${header.apiKey} (correlation id ${header.correlationId})`);
    }
    if (!servedOnListener(api, this.broker.settings, connection.listenerName)) {
      return this.reject(connection, `${apiName(header.apiKey)} is served on the controller listeners only, not on ${connection.listenerName}`);
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey === API_VERSIONS_KEY) return this.unsupportedApiVersions(header.correlationId, api);
      return this.reject(connection, `${apiName(header.apiKey)} v${header.apiVersion} is not supported (we serve v${api.minVersion}-v${api.maxVersion})`);
    }
    const forwarder = this.broker.forwarder;
    if (api.forwardToController === true && forwarder !== undefined && forwarder.shouldForward()) {
      const answered = await forwarder.forward(frame);
      // Unreachable controller: handled here, which answers NOT_CONTROLLER (the client retries).
      if (answered !== null) return [answered];
    }
    const flexible = isFlexible(api.meta, header.apiVersion);
    let request: never;
    try {
      if (flexible) r.readTaggedFields();
      request = api.decode(r, header.apiVersion);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return this.reject(connection, `malformed ${apiName(header.apiKey)} v${header.apiVersion} request: ${e.message}`);
    }
    const ctx: RequestContext = {
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      connection,
      broker: this.broker,
      timing,
    };
    const response = await api.handle(request, ctx);
    if (this.topicStats !== undefined) this.countTopicTraffic(header.apiKey, request, response);
    if (response === null) return null;
    if (response instanceof CloseConnection) return this.reject(connection, response.reason);
    return this.encode(api, header.apiVersion, header.correlationId, response);
  }

  /** Produce and Fetch feed BrokerTopicMetrics (before the frame the request views is released). */
  private countTopicTraffic(apiKey: number, request: never, response: unknown): void {
    const stats = this.topicStats as BrokerTopicStats;
    if (apiKey === ApiKey.Produce) countProduce(stats, this.broker.image, request, response instanceof CloseConnection ? 'failed' : (response as never));
    else if (apiKey === ApiKey.Fetch && response !== null && !(response instanceof CloseConnection)) countFetch(stats, this.broker.image, response as never);
  }

  private encode(api: AnyApiDefinition, version: number, correlationId: number, response: never): Buffer[] {
    const w = new Writer(512);
    w.writeInt32(0); // size, patched below
    // ApiVersions answers with response header v0 at every version (KIP-511).
    writeResponseHeader(w, correlationId, api.meta.apiKey !== API_VERSIONS_KEY && isFlexible(api.meta, version));
    api.encode(w, version, response);
    return withSizePrefix(w);
  }

  private unsupportedApiVersions(correlationId: number, api: AnyApiDefinition): Buffer[] {
    const w = new Writer(32);
    w.writeInt32(0);
    writeResponseHeader(w, correlationId, false);
    w.writeInt16(ErrorCode.UNSUPPORTED_VERSION);
    w.writeInt32(1);
    w.writeInt16(API_VERSIONS_KEY);
    w.writeInt16(api.minVersion);
    w.writeInt16(api.maxVersion);
    return withSizePrefix(w);
  }

  private reject(connection: ConnectionInfo, reason: string): ProcessResult {
    this.broker.log.warn(`closing connection ${connection.remoteAddress}: ${reason}`);
    return CLOSE_CONNECTION;
  }
}

/** Patches the int32 size prefix written as a placeholder at the start of the first chunk. */
function withSizePrefix(w: Writer): Buffer[] {
  const total = w.length - 4;
  const chunks = w.toChunks();
  (chunks[0] as Buffer).writeInt32BE(total, 0);
  return chunks;
}
