/**
 * The generated codecs against real clients' bytes: every request and response frame captured
 * from seven clients (src/testing/fixtures/client-frames) is decoded, compared field by field
 * with the capture's own independent decode, and re-encoded to the exact same bytes. Frames the
 * capture notes as malformed (the mock broker's replies, librdkafka 2.15's trailing bytes) are
 * checked for exactly that defect instead.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from './codec/reader.js';
import { Writer } from './codec/writer.js';
import { apiName } from './generated/api-keys.js';
import { clientFramesDir } from '../testing/client-frames.js';

interface Frame {
  dir: 'req' | 'resp';
  client: string;
  apiKey: number;
  apiVersion: number;
  headerVersion: number;
  size: number;
  hex: string;
  decoded?: unknown;
}

interface Codec {
  meta: { minVersion: number; maxVersion: number; firstFlexibleVersion: number };
  decode(r: Reader, v: number): unknown;
  encode(w: Writer, v: number, m: unknown): void;
}

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

async function codecFor(apiKey: number, dir: 'req' | 'resp'): Promise<Codec | undefined> {
  const name = `${apiName(apiKey)}${dir === 'req' ? 'Request' : 'Response'}`;
  try {
    const mod = (await import(`./generated/messages/${kebab(name)}.js`)) as Record<string, unknown>;
    const lower = name.charAt(0).toLowerCase() + name.slice(1);
    return { meta: mod[`${lower}Meta`], decode: mod[`decode${name}`], encode: mod[`encode${name}`] } as Codec;
  } catch {
    return undefined;
  }
}

/** Our decoded object in the capture's notation: int64 as strings, byte arrays by length. */
function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return { $bytesLen: v.length };
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

/**
 * The capture in our notation: camelCase field names (Kafka's schemas mix "TimeoutMs" and
 * "timeoutMs"), uuids as base64url instead of 32 hex digits.
 */
function captureNotation(v: unknown): unknown {
  if (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)) return Buffer.from(v, 'hex').toString('base64url');
  if (Array.isArray(v)) return v.map(captureNotation);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$bytesLen' in o) return { $bytesLen: o.$bytesLen };
    if ('$bytes' in o) return { $bytesLen: String(o.$bytes).length / 2 };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), captureNotation(x)]));
  }
  return v;
}

/** Keeps only the fields the capture decoded (it omits tagged fields left at their default). */
function project(ours: unknown, theirs: unknown): unknown {
  if (Array.isArray(ours) && Array.isArray(theirs)) return ours.map((x, i) => project(x, theirs[i]));
  if (ours !== null && theirs !== null && typeof ours === 'object' && typeof theirs === 'object' && !('$bytesLen' in (theirs as object)) && !('$bytes' in (theirs as object))) {
    const t = theirs as Record<string, unknown>;
    const o = ours as Record<string, unknown>;
    return Object.fromEntries(Object.keys(t).map((k) => [k, project(o[k], t[k])]));
  }
  return ours;
}

function bodyStart(buf: Buffer, f: Frame): number {
  const r = new Reader(buf, 4);
  if (f.dir === 'req') {
    r.skip(8);
    r.readString(false);
    if (f.headerVersion === 2) r.readTaggedFields();
  } else {
    r.skip(4);
    if (f.headerVersion === 1) r.readTaggedFields();
  }
  return r.offset;
}

// Defects the capture documents (client-frames README, "Decode check"): not ours to reproduce.
function knownMalformed(f: Frame): boolean {
  if (f.dir === 'resp' && f.apiKey === 18 && f.apiVersion === 3 && f.size === 17) return true;
  if (f.dir === 'resp' && f.apiKey === 3 && f.apiVersion === 12) return true;
  if (f.dir === 'resp' && f.apiKey === 13 && f.apiVersion >= 3 && f.size === 10) return true;
  return false;
}

const files = readdirSync(clientFramesDir()).filter((n) => n.endsWith('.jsonl') && n !== 'codecs.jsonl');
const frames: Frame[] = files.flatMap((file) =>
  readFileSync(join(clientFramesDir(), file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Frame),
);

describe('generated codecs against captured client frames', () => {
  let checked = 0;
  after(() => assert.ok(checked > 300, `expected to check hundreds of frames, checked ${checked}`));

  for (const f of frames) {
    const label = `${f.client} ${f.dir} ${apiName(f.apiKey)} v${f.apiVersion} (${f.size} bytes)`;
    it(label, async function () {
      const codec = await codecFor(f.apiKey, f.dir);
      if (codec === undefined) this.skip();
      const buf = Buffer.from(f.hex, 'hex');
      const start = bodyStart(buf, f);
      const r = new Reader(buf, start);
      if (knownMalformed(f)) {
        // The documented defect must still be visible to our decoder: an error or leftover bytes.
        let leftover = true;
        try {
          codec.decode(r, f.apiVersion);
          leftover = r.remaining !== 0;
        } catch {
          leftover = true;
        }
        assert.ok(leftover, 'a frame documented as malformed decoded cleanly');
        checked++;
        return;
      }
      const decoded = codec.decode(r, f.apiVersion);
      const trailing = r.remaining;
      // librdkafka 2.15's "all topics" Metadata v12 request carries 3 stray bytes we must ignore.
      if (trailing !== 0) assert.ok(f.apiKey === 3 && f.apiVersion === 12 && trailing === 3, `${trailing} bytes left after the body`);
      if (f.decoded !== undefined && trailing === 0) {
        assert.deepEqual(project(normalize(decoded), captureNotation(f.decoded)), captureNotation(f.decoded));
      }
      const w = new Writer();
      codec.encode(w, f.apiVersion, decoded);
      const body = buf.subarray(start, buf.length - trailing);
      if (trailing === 0) assert.equal(w.toBuffer().toString('hex'), body.toString('hex'));
      checked++;
    });
  }
});
