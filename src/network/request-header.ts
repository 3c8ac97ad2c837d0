/**
 * Request header v1/v2 and response header v0/v1 (Kafka's RequestHeader.json/ResponseHeader.json).
 *
 * Header v2 (flexible request versions) adds a tagged-field section but keeps client_id as an
 * int16-length string (its field-level flexibleVersions is "none"). Response header v1 adds a
 * tagged-field section, except for ApiVersions, whose response header is always v0 (KIP-511) so a
 * client can parse it before knowing which versions the broker speaks.
 */
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part shared by header v1 and v2; the caller reads tags once it knows the version is flexible. */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const clientId = r.readString(false);
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.writeInt32(correlationId);
  if (flexible) w.writeUVarint(0);
}
