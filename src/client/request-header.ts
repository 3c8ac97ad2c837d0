/**
 * A request frame's bytes: header v1 (api key, version, correlation id, client id) or v2 (v1 plus
 * tagged fields, for flexible versions), then the body. Response headers are read by the caller:
 * v0 (correlation id) or v1 (plus tagged fields); ApiVersions always answers with v0 (KIP-511).
 */
import { Writer } from '../protocol/codec/writer.js';

export function encodeRequestFrame(
  apiKey: number, apiVersion: number, correlationId: number, clientId: string, flexibleHeader: boolean, body: (w: Writer) => void,
): Buffer {
  const w = new Writer();
  w.writeInt16(apiKey);
  w.writeInt16(apiVersion);
  w.writeInt32(correlationId);
  w.writeString(clientId, false);
  if (flexibleHeader) w.writeUVarint(0);
  body(w);
  return w.toBuffer();
}
