/**
 * One request and its decoded response over a RawClient, for handler tests that check exact
 * answers (flexible response header assumed when the request's header is flexible).
 */
import assert from 'node:assert/strict';
import { Reader } from '../protocol/codec/reader.js';
import type { Writer } from '../protocol/codec/writer.js';
import type { RawClient } from './raw-client.js';

let correlation = 1000;

export async function rawCall<Req, Res>(
  c: RawClient, apiKey: number, version: number, flexible: boolean,
  encode: (w: Writer, v: number, m: Req) => void, decode: (r: Reader, v: number) => Res, body: Req,
): Promise<Res> {
  const id = correlation++;
  c.send(apiKey, version, id, flexible, (w) => encode(w, version, body));
  const frame = await c.receive(5000);
  assert.ok(frame, `no answer to API ${apiKey} v${version}`);
  const r = new Reader(frame);
  assert.equal(r.readInt32(), id, 'the answer carries the request\'s correlation id');
  if (flexible) r.readTaggedFields();
  return decode(r, version);
}
