/**
 * What a Kafka API handler declares: its generated codec, the versions it serves, whether it must
 * run alone on its connection, and the handler itself. ApiVersions is derived from these
 * declarations, so the broker advertises exactly what it implements.
 */
import type { Reader } from '../protocol/codec/reader.js';
import type { Writer } from '../protocol/codec/writer.js';
import type { BrokerSettings, RequestContext } from './context.js';

export interface MessageMeta {
  readonly name: string;
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly firstFlexibleVersion: number;
}

export interface ApiDefinition<Req, Res> {
  readonly meta: MessageMeta;
  /** The versions we serve (within the schema's range). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Run with no other request of the connection in flight (admin and coordination APIs). */
  readonly exclusive: boolean;
  /**
   * Served only on the controller listeners (controller.listener.names), as Kafka serves the
   * quorum's APIs: advertised and accepted nowhere else when the node names its controller
   * listeners (everywhere when it names none).
   */
  readonly controllerOnly?: boolean;
  /**
   * The handler keeps no view of the request's bytes once it has completed (its data is written or
   * copied out), so the network layer may reuse the frame's buffer. Leave unset when unsure: a
   * reused frame under a live view corrupts data.
   */
  readonly releasesFrame?: boolean;
  /**
   * A controller request (Kafka's forwardable APIs): on a broker that is not the active controller
   * it goes to the one that is (BrokerServices.forwarder), as Kafka's brokers forward it.
   */
  readonly forwardToController?: boolean;
  decode(r: Reader, version: number): Req;
  encode(w: Writer, version: number, response: Res): void;
  /**
   * Returns the response, null when Kafka sends none (Produce with acks=0), or a CloseConnection
   * when Kafka answers by closing the connection (an acks=0 produce that failed).
   */
  handle(request: Req, ctx: RequestContext): Promise<Res | null | CloseConnection> | Res | null | CloseConnection;
}

/**
 * A handler's answer that is no response at all but a closed connection: what Kafka does when the
 * client expects no response yet must learn of an error (a failed acks=0 produce), so that it
 * reconnects and refreshes its metadata.
 */
export class CloseConnection {
  constructor(readonly reason: string) {}
}

// Handlers are stored type-erased in the registry; each keeps its own types inside defineApi.
export type AnyApiDefinition = ApiDefinition<never, never>;

export function defineApi<Req, Res>(def: ApiDefinition<Req, Res>): AnyApiDefinition {
  if (def.minVersion < def.meta.minVersion || def.maxVersion > def.meta.maxVersion) {
    throw new Error(`${def.meta.name}: served versions ${def.minVersion}-${def.maxVersion} outside the schema's ${def.meta.minVersion}-${def.meta.maxVersion}`);
  }
  return def as unknown as AnyApiDefinition;
}

export function isFlexible(meta: MessageMeta, version: number): boolean {
  return meta.firstFlexibleVersion >= 0 && version >= meta.firstFlexibleVersion;
}

/** Whether a connection on `listenerName` may use `api` (see `controllerOnly`). */
export function servedOnListener(api: { readonly controllerOnly?: boolean }, settings: BrokerSettings, listenerName: string): boolean {
  const names = settings.controllerListenerNames;
  return api.controllerOnly !== true || names === undefined || names.includes(listenerName);
}
