/**
 * The replication simulator's invariants, checked after every event (the log checks after every
 * event that changed an ack, the ISR, an incarnation, a LEO, HW or epoch) and at the end:
 * - every acknowledged batch is in the log of every ISR member (the controller's ISR, members
 *   serving in their current incarnation) at the offset it was acknowledged with;
 * - no producer sequence appears twice in any replica's log (no duplicate from a retry);
 * - within one incarnation, a replica's HW and leader epoch never go back; the controller's leader
 *   epoch never goes back;
 * - replicas agree on every batch below the smaller of their HWs;
 * - at the end (healed, caught up): every log is the same, byte for byte.
 * Violations throw SimViolation with what was seen.
 */
import { BASE_SEQUENCE_OFFSET, LAST_OFFSET_DELTA_OFFSET, PRODUCER_ID_OFFSET } from '../../protocol/records/batch-header.js';
import type { Partition } from '../../partition/partition.js';
import type { SimBroker } from './sim-broker.js';
import { PRODUCER_ID, type SimCluster } from './sim-cluster.js';

export class SimViolation extends Error {
  override name = 'SimViolation';
}

export interface BatchView {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly seq: number;
  readonly bytes: Buffer;
}

/** Every batch of `p` from its log start to its LEO (whole batches, in offset order). */
export async function batchesOf(p: Partition): Promise<BatchView[]> {
  const out: BatchView[] = [];
  let offset = p.logStartOffset;
  const end = p.logEndOffset;
  for (let round = 0; round < 100_000 && offset < end; round++) {
    const r = await p.read(offset, 1 << 20, true, 'logEnd');
    if (r.kind !== 'ok' || r.records.length === 0) break;
    let at = 0;
    while (at + 61 <= r.records.length) {
      const size = r.records.readInt32BE(at + 8) + 12;
      if (at + size > r.records.length) break;
      const base = Number(r.records.readBigInt64BE(at));
      const last = base + r.records.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
      if (base >= end) return out;
      const pid = r.records.readBigInt64BE(at + PRODUCER_ID_OFFSET);
      out.push({ baseOffset: base, lastOffset: last, seq: pid === PRODUCER_ID ? r.records.readInt32BE(at + BASE_SEQUENCE_OFFSET) : -1, bytes: r.records.subarray(at, at + size) });
      offset = last + 1;
      at += size;
    }
  }
  return out;
}

export class Checker {
  private readonly lastHw = new Map<string, number>();
  private readonly lastEpoch = new Map<string, number>();
  private controllerEpoch = -1;
  checks = 0;

  constructor(private readonly sim: SimCluster) {}

  /** The monotonic checks: cheap, after every event. */
  checkMonotonic(): void {
    const sim = this.sim;
    if (sim.anomalies.length > 0) throw new SimViolation(sim.anomalies[0]!);
    const img = sim.partitionImage;
    if (img.leaderEpoch < this.controllerEpoch) throw new SimViolation(`the controller's leader epoch went back from ${this.controllerEpoch} to ${img.leaderEpoch}`);
    this.controllerEpoch = img.leaderEpoch;
    for (const b of sim.brokers) {
      const p = b.partition;
      if (p === undefined || !b.up) continue;
      const key = `${b.id}/${b.incarnation}`;
      const hw = p.highWatermark;
      if (hw < (this.lastHw.get(key) ?? -1)) throw new SimViolation(`broker ${b.id}: HW went back from ${this.lastHw.get(key)} to ${hw}`);
      if (hw > p.logEndOffset) throw new SimViolation(`broker ${b.id}: HW ${hw} above its LEO ${p.logEndOffset}`);
      this.lastHw.set(key, hw);
      if (p.leaderEpoch < (this.lastEpoch.get(key) ?? -1)) throw new SimViolation(`broker ${b.id}: leader epoch went back from ${this.lastEpoch.get(key)} to ${p.leaderEpoch}`);
      this.lastEpoch.set(key, p.leaderEpoch);
    }
  }

  /**
   * The log checks after an event that changed what they look at (an ack, the ISR, a broker's
   * incarnation, any LEO, HW or epoch): a log's content changes only with its LEO or a restart.
   */
  async checkLogsIfChanged(): Promise<void> {
    const sim = this.sim;
    const state = `${sim.acked.length}|${sim.partitionImage.isr.join(',')}|${sim.brokers.map((b) => `${b.incarnation}:${b.serving}:${b.partition?.logEndOffset}:${b.partition?.highWatermark}:${b.partition?.leaderEpoch}`).join('|')}`;
    if (state === this.lastState) return;
    this.lastState = state;
    await this.checkLogs();
  }

  private lastState = '';

  /** The log checks: acknowledged batches on the ISR, no duplicates, agreement below the HWs. */
  async checkLogs(): Promise<void> {
    this.checks++;
    const sim = this.sim;
    // Acks that land while the logs are read were written after some reads: checked next time.
    const acked = [...sim.acked];
    const isr = sim.partitionImage.isr;
    const live = sim.brokers.filter((b) => b.serving && b.partition !== undefined);
    const views = new Map<SimBroker, { hw: number; batches: BatchView[] }>();
    for (const b of live) {
      const p = b.partition!;
      const hw = p.highWatermark;
      views.set(b, { hw, batches: await batchesOf(p) });
      if (!b.serving || b.partition !== p) return; // crashed meanwhile: next time
    }
    for (const [b, v] of views) {
      const seen = new Map<number, number>();
      for (const x of v.batches) {
        if (x.seq < 0) continue;
        const earlier = seen.get(x.seq);
        if (earlier !== undefined) throw new SimViolation(`broker ${b.id}: producer sequence ${x.seq} at offsets ${earlier} and ${x.baseOffset} (a duplicate)`);
        seen.set(x.seq, x.baseOffset);
      }
      if (isr.includes(b.id)) {
        for (const a of acked) {
          const at = seen.get(a.seq);
          if (at !== a.offset) throw new SimViolation(`acknowledged seq ${a.seq} (offset ${a.offset}) is ${at === undefined ? 'missing from' : `at offset ${at} in`} the log of ISR member ${b.id} (ISR ${isr.join(',')}, its LEO ${b.partition?.logEndOffset})`);
        }
      }
    }
    const list = [...views];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, va] = list[i]!;
        const [b, vb] = list[j]!;
        const below = Math.min(va.hw, vb.hw);
        const mapB = new Map(vb.batches.map((x) => [x.baseOffset, x.bytes]));
        for (const x of va.batches) {
          if (x.lastOffset >= below) break;
          const other = mapB.get(x.baseOffset);
          if (other === undefined || !other.equals(x.bytes)) throw new SimViolation(`brokers ${a.id} and ${b.id} disagree at offset ${x.baseOffset}, below both HWs (${va.hw}, ${vb.hw}): ${describeDiff(x.bytes.toString('hex'), other?.toString('hex'))}; ${b.id} starts at ${b.partition?.logStartOffset}, its first batches at ${vb.batches.slice(0, 3).map((y) => y.baseOffset).join(',')}, LEO ${b.partition?.logEndOffset}`);
        }
      }
    }
  }

  /** After healing: every replica holds the same log, and every acknowledged batch once. */
  async checkConverged(): Promise<void> {
    await this.checkLogs();
    const logs = await Promise.all(this.sim.brokers.map(async (b) => ({ b, batches: await batchesOf(b.partition!) })));
    const first = logs[0]!;
    for (const { b, batches } of logs.slice(1)) {
      if (batches.length !== first.batches.length || batches.some((x, i) => !x.bytes.equals(first.batches[i]!.bytes))) {
        throw new SimViolation(`convergence: broker ${b.id}'s log (${batches.length} batches, LEO ${b.partition?.logEndOffset}) differs from broker ${first.b.id}'s (${first.batches.length}, LEO ${first.b.partition?.logEndOffset})`);
      }
    }
  }
}

/** Where two batches (hex) first differ, for a violation message. */
function describeDiff(a: string, b: string | undefined): string {
  if (b === undefined) return 'no batch starts there on the second';
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `${a.length / 2} vs ${b.length / 2} bytes, first difference at byte ${Math.floor(i / 2)}: ${a.slice(i, i + 16)} vs ${b.slice(i, i + 16)}`;
}
