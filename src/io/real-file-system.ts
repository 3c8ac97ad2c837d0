/**
 * FileSystem over node:fs/promises. Owns the only `node:fs` import of the storage path.
 *
 * Invariants: files are opened O_RDWR (never O_APPEND, which would make Linux ignore the position
 * of pwrite); partial writes are completed in a loop, so callers see all-or-error.
 */
import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { DirEntry, FileHandle, FileSystem } from './file-system.js';

class RealFileHandle implements FileHandle {
  constructor(private readonly fh: fsp.FileHandle) {}

  async read(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    let done = 0;
    // pread may return short before EOF (signals, large reads); loop until EOF or full.
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, offset + done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  async write(buf: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, position + done);
      done += bytesWritten;
    }
  }

  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    let pending = buffers.slice();
    let pos = position;
    while (pending.length > 0) {
      const { bytesWritten } = await this.fh.writev(pending, pos);
      pos += bytesWritten;
      pending = dropWritten(pending, bytesWritten);
    }
  }

  datasync(): Promise<void> {
    return this.fh.datasync();
  }

  truncate(size: number): Promise<void> {
    return this.fh.truncate(size);
  }

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** The buffers left after a short writev of `written` bytes. */
function dropWritten(buffers: Buffer[], written: number): Buffer[] {
  let left = written;
  let i = 0;
  while (i < buffers.length) {
    const b = buffers[i]!;
    if (left < b.length) break;
    left -= b.length;
    i++;
  }
  const rest = buffers.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

export class RealFileSystem implements FileSystem {
  async open(p: string, opts: { create: boolean }): Promise<FileHandle> {
    const flags = constants.O_RDWR | (opts.create ? constants.O_CREAT : 0);
    return new RealFileHandle(await fsp.open(p, flags, 0o644));
  }

  async mkdirs(p: string): Promise<void> {
    await fsp.mkdir(p, { recursive: true });
  }

  async readdir(p: string): Promise<DirEntry[]> {
    const entries = await fsp.readdir(p, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  rm(p: string): Promise<void> {
    return fsp.rm(p, { recursive: true, force: true });
  }

  async exists(p: string): Promise<boolean> {
    try {
      await fsp.access(p);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  readFile(p: string): Promise<Buffer> {
    return fsp.readFile(p);
  }

  async volumeSpace(p: string): Promise<{ totalBytes: number; usableBytes: number }> {
    const s = await fsp.statfs(p);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  }

  async writeFileAtomic(p: string, data: Buffer): Promise<void> {
    const tmp = `${p}.tmp`;
    const fh = await fsp.open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, p);
    await this.syncDir(path.dirname(p));
  }

  async syncDir(p: string): Promise<void> {
    const fh = await fsp.open(p, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/** The process-wide real file system (stateless, so one instance is enough). */
export const realFileSystem: FileSystem = new RealFileSystem();
