/**
 * The Streams row's input, generated deterministically in two phases, and what a correct (exactly
 * once) run of the app must output for all input produced so far: word counts, counts per key per
 * tumbling window of the records' timestamps, and one enriched click per click.
 */

/** The row's topics (all with the same partition count, so clicks and users are co-partitioned). */
export interface StreamsTopics {
  readonly lines: string;
  readonly events: string;
  readonly users: string;
  readonly clicks: string;
  readonly wordCounts: string;
  readonly windowCounts: string;
  readonly enriched: string;
}

export interface InputRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly timestamp: number;
}

/** Index ranges [from, to) of one phase's input. */
export interface Phase {
  readonly lines: readonly [number, number];
  readonly events: readonly [number, number];
  readonly clicks: readonly [number, number];
  /** The users table is written once, in the first phase. */
  readonly users: boolean;
}

export const WINDOW_MS = 10_000;
const WORDS_PER_LINE = 5;
const USERS = 40;
const SENSORS = 13;
/** Words split on ' ' by the app: none has a space; some are multi-byte UTF-8. */
const VOCABULARY = [
  'kafka', 'stream', 'table', 'topic', 'offset', 'commit', 'abort', 'fence', 'epoch', 'leader',
  'replica', 'segment', 'index', 'record', 'batch', 'header', 'key', 'value', 'window', 'grace',
  'straße', 'naïve', 'café', 'jalapeño', 'smørrebrød', '日本語', 'ストリーム', 'поток', 'ροή', '😀emoji',
];

/** A small seeded PRNG (mulberry32): the same input on every run and every endpoint. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function line(i: number): string {
  const next = prng(1000 + i);
  return Array.from({ length: WORDS_PER_LINE }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ');
}

/** Event i's timestamp: spread over ~200 s out of order, so windows fill in no particular order. */
function eventTs(baseTs: number, i: number): number {
  return baseTs + ((i * 7919) % 10_007) * 20;
}

const region = (u: number): string => `region-${u % 7}`;

export function phaseInput(t: StreamsTopics, p: Phase, baseTs: number): InputRecord[] {
  const out: InputRecord[] = [];
  // The table is older than every click: Streams joins each click with the loaded table.
  if (p.users) for (let u = 0; u < USERS; u++) out.push({ topic: t.users, key: `user-${u}`, value: region(u), timestamp: baseTs - 60_000 });
  for (let i = p.lines[0]; i < p.lines[1]; i++) out.push({ topic: t.lines, key: `line-${i}`, value: line(i), timestamp: baseTs + i });
  for (let i = p.events[0]; i < p.events[1]; i++) out.push({ topic: t.events, key: `sensor-${i % SENSORS}`, value: `event-${i}`, timestamp: eventTs(baseTs, i) });
  for (let i = p.clicks[0]; i < p.clicks[1]; i++) out.push({ topic: t.clicks, key: `user-${i % USERS}`, value: `click-${i}`, timestamp: baseTs + i });
  return out;
}

export interface Expected {
  readonly wordCounts: ReadonlyMap<string, number>;
  readonly windowCounts: ReadonlyMap<string, number>;
  /** Enriched click value → its key (the user). */
  readonly enriched: ReadonlyMap<string, string>;
}

/** What the app must have output, in the end, for `input` (all phases produced so far). */
export function expectedFor(input: readonly InputRecord[], t: StreamsTopics): Expected {
  const words = new Map<string, number>();
  const windows = new Map<string, number>();
  const users = new Map<string, string>();
  const enriched = new Map<string, string>();
  for (const r of input) if (r.topic === t.users) users.set(r.key, r.value);
  for (const r of input) {
    if (r.topic === t.lines) for (const w of r.value.split(' ')) words.set(w, (words.get(w) ?? 0) + 1);
    if (r.topic === t.events) {
      const k = `${r.key}@${r.timestamp - (r.timestamp % WINDOW_MS)}`;
      windows.set(k, (windows.get(k) ?? 0) + 1);
    }
    if (r.topic === t.clicks) {
      const reg = users.get(r.key);
      if (reg !== undefined) enriched.set(`${r.value}@${reg}`, r.key);
    }
  }
  return { wordCounts: words, windowCounts: windows, enriched };
}

/** The producer's stdin: topic TAB key TAB value TAB timestamp lines. */
export function producerInput(records: readonly InputRecord[]): string {
  return records.map((r) => `${r.topic}\t${r.key}\t${r.value}\t${r.timestamp}\n`).join('');
}
