/**
 * How the simulator names entries and writes snapshots: an entry's key is `<epoch>:<payload>`
 * (LC for a LeaderChange, VR<json voter set> for a VotersRecord), and a snapshot is the JSON list
 * of the keys of offsets [0, end), so it also holds its voter set (KIP-853).
 */
import type { Entry, ReplicaKey } from '../../raft/index.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function entryKey(e: Pick<Entry, 'epoch' | 'control' | 'data' | 'voters'>): string {
  if (e.control === 'voters') return `${e.epoch}:${VOTERS_KEY}${JSON.stringify(e.voters ?? [])}`;
  return `${e.epoch}:${e.control === 'leaderChange' ? 'LC' : decoder.decode(e.data)}`;
}

/** A VotersRecord's key: `<epoch>:VR<json voter set>`, so a snapshot (a list of keys) holds its voter set. */
export const VOTERS_KEY = 'VR';

/** The voter set of the latest VotersRecord among snapshot keys, if any. */
export function votersInKeys(keys: readonly string[]): ReplicaKey[] | undefined {
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i] ?? '';
    const payload = k.slice(k.indexOf(':') + 1);
    if (payload.startsWith(VOTERS_KEY)) return JSON.parse(payload.slice(VOTERS_KEY.length)) as ReplicaKey[];
  }
  return undefined;
}

/** The simulator's snapshot format: the keys of offsets [0, id.endOffset). */
export function encodeSnapshot(keys: readonly string[]): Uint8Array {
  return encoder.encode(JSON.stringify(keys));
}

export function decodeSnapshot(bytes: Uint8Array): string[] {
  return JSON.parse(decoder.decode(bytes)) as string[];
}

