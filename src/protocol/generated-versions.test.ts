/**
 * Every generated message at its lowest and highest version: a populated message survives
 * encode → decode → encode unchanged; and a few messages against byte strings written out by hand
 * from Kafka's protocol guide (independent of the generator).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Reader } from './codec/reader.js';
import { Writer } from './codec/writer.js';
import { decodeApiVersionsResponse, encodeApiVersionsResponse } from './generated/messages/api-versions-response.js';
import { decodeMetadataRequest, encodeMetadataRequest } from './generated/messages/metadata-request.js';
import { encodeDescribeClusterRequest } from './generated/messages/describe-cluster-request.js';

const here = dirname(fileURLToPath(import.meta.url));

function encode(fn: (w: Writer, v: number, m: never) => void, v: number, m: unknown): string {
  const w = new Writer();
  fn(w, v, m as never);
  return w.toBuffer().toString('hex');
}

describe('generated codecs: hand-built bytes', () => {
  it('ApiVersions response v0 (int16 error, int32 array of key/min/max)', () => {
    const msg = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] };
    assert.equal(encode(encodeApiVersionsResponse, 0, msg), '0000' + '00000001' + '0012' + '0000' + '0004');
  });

  it('ApiVersions response v3 (compact array, per-entry tags, throttle, top-level tags)', () => {
    const msg = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 };
    const hex = '0000' + '02' + '0012' + '0000' + '0004' + '00' + '00000000' + '00';
    assert.equal(encode(encodeApiVersionsResponse, 3, msg), hex);
    assert.deepEqual(decodeApiVersionsResponse(new Reader(Buffer.from(hex, 'hex')), 3).apiKeys, msg.apiKeys);
  });

  it('ApiVersions response v3 with a tagged field (FinalizedFeaturesEpoch, tag 1)', () => {
    const msg = { errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: 5n };
    const hex = '0000' + '01' + '00000000' + '01' + '01' + '08' + '0000000000000005';
    assert.equal(encode(encodeApiVersionsResponse, 3, msg), hex);
    assert.equal(decodeApiVersionsResponse(new Reader(Buffer.from(hex, 'hex')), 3).finalizedFeaturesEpoch, 5n);
  });

  it('Metadata request v0 (int32 array of int16 strings) and v12 (null compact array, bools, tags)', () => {
    assert.equal(encode(encodeMetadataRequest, 0, { topics: [{ name: 'ab' }] }), '00000001' + '0002' + '6162');
    const v12 = '00' + '01' + '00' + '00';
    assert.equal(encode(encodeMetadataRequest, 12, { topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }), v12);
    assert.equal(decodeMetadataRequest(new Reader(Buffer.from(v12, 'hex')), 12).topics, null);
  });

  it('DescribeCluster request v0 (flexible from v0) and v1 (endpoint type)', () => {
    assert.equal(encode(encodeDescribeClusterRequest, 0, { includeClusterAuthorizedOperations: true }), '01' + '00');
    assert.equal(encode(encodeDescribeClusterRequest, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 }), '00' + '02' + '00');
  });
});

/** A value of every primitive kind that differs from the defaults, so nothing is silently dropped. */
function populate(dflt: unknown, depth = 0): unknown {
  if (typeof dflt === 'bigint') return 1234567890123n;
  if (typeof dflt === 'number') return 7;
  if (typeof dflt === 'boolean') return true;
  if (typeof dflt === 'string') return dflt.length === 22 ? 'AQIDBAUGBwgJCgsMDQ4PEA' : 'x-1';
  if (Buffer.isBuffer(dflt)) return Buffer.from('bytes');
  if (dflt === null || Array.isArray(dflt)) return dflt;
  if (typeof dflt === 'object' && depth < 4) {
    return Object.fromEntries(Object.entries(dflt as object).map(([k, v]) => [k, populate(v, depth + 1)]));
  }
  return dflt;
}

describe('generated codecs: every message at its lowest and highest version', () => {
  for (const folder of ['messages', 'metadata', 'internal']) {
    const files = readdirSync(join(here, 'generated', folder)).filter((f) => f.endsWith('.js'));
    for (const file of files) {
      it(`${folder}/${file.replace(/\.js$/, '')}`, async () => {
        const mod = (await import(`./generated/${folder}/${file}`)) as Record<string, unknown>;
        const metaKey = Object.keys(mod).find((k) => k.endsWith('Meta')) as string;
        const meta = mod[metaKey] as { name: string; minVersion: number; maxVersion: number };
        const dflt = (mod[`default${meta.name}`] as () => unknown)();
        const enc = mod[`encode${meta.name}`] as (w: Writer, v: number, m: unknown) => void;
        const dec = mod[`decode${meta.name}`] as (r: Reader, v: number) => unknown;
        for (const v of [meta.minVersion, meta.maxVersion]) {
          const w1 = new Writer();
          enc(w1, v, populate(dflt));
          const bytes = w1.toBuffer();
          const r = new Reader(bytes);
          const decoded = dec(r, v);
          assert.equal(r.remaining, 0, `v${v}: bytes left after decode`);
          const w2 = new Writer();
          enc(w2, v, decoded);
          assert.equal(w2.toBuffer().toString('hex'), bytes.toString('hex'), `v${v}: re-encode differs`);
        }
      });
    }
  }
});
