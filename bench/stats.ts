/** Small numeric helpers for the bench: medians and process memory. */
import { readFileSync } from 'node:fs';

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Resident set size of a process in MB (Linux /proc), NaN if it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN; // the process exited between samples: no reading, not an error
  }
}

/** Samples a process's RSS every intervalMs until stopped; returns the peak in MB. */
export function sampleRss(pid: number, intervalMs = 100): () => number {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > peak || !Number.isFinite(peak)) peak = now;
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
