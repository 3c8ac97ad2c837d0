/**
 * This machine's limits, measured in the same run as the brokers: loopback TCP throughput (a Node
 * socket pump into a sink process, 1 MiB writes) and sequential file append throughput in the temp
 * dir the brokers' data lives in (1 MiB writes, without sync and with an fdatasync per MiB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const MIB = 1 << 20;
const SINK = `require('net').createServer((s) => s.on('data', () => {})).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

/** MB/s through a loopback socket from this process into a separate sink process. */
export async function loopbackTcpMBps(seconds: number): Promise<number> {
  const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => {
      createInterface({ input: sink.stdout }).once('line', (l) => resolve(Number(l)));
    });
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const chunk = Buffer.alloc(MIB, 7);
    let bytes = 0;
    const t0 = performance.now();
    const endAt = t0 + seconds * 1000;
    while (performance.now() < endAt) {
      bytes += chunk.length;
      if (!sock.write(chunk)) await new Promise<void>((r) => sock.once('drain', () => r()));
    }
    await new Promise<void>((r) => sock.end(() => r()));
    const secs = (performance.now() - t0) / 1000;
    sock.destroy();
    return bytes / secs / 1e6;
  } finally {
    sink.kill('SIGTERM');
  }
}

/** MB/s of sequential 1 MiB appends to a fresh file; with `syncEveryMiB`, an fdatasync after each. */
export async function fileAppendMBps(seconds: number, syncEveryMiB: boolean, maxBytes: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-append-'));
  const fh = await open(path.join(dir, 'append.bin'), 'w');
  try {
    const chunk = Buffer.alloc(MIB, 7);
    let bytes = 0;
    const t0 = performance.now();
    const endAt = t0 + seconds * 1000;
    while (performance.now() < endAt && bytes < maxBytes) {
      await fh.write(chunk, 0, chunk.length, bytes);
      bytes += chunk.length;
      if (syncEveryMiB) await fh.datasync();
    }
    const secs = (performance.now() - t0) / 1000;
    return bytes / secs / 1e6;
  } finally {
    await fh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
