/**
 * One simulated broker's disk, in memory, behind the io/ FileSystem seam, so the real storage code
 * (PartitionLog, LogManager, checkpoints, the leader-epoch cache) runs on it unchanged.
 *
 * Durability model (what a power loss keeps):
 * - file data: only what the last `datasync` (or `writeFileAtomic`) covered, plus, when the file
 *   had grown past its synced content, a random prefix of the unsynced tail (a torn write);
 *   unsynced overwrites inside the synced part are lost;
 * - `truncate` shortens the durable content at once (as raft-sim's disk models truncation: the
 *   storage layer never relies on a truncation alone, it rewrites the epoch cache atomically);
 * - names (create, rename, rm, mkdirs) are durable at once: the storage layer syncs its dirs after
 *   each of them (PartitionLog.open, rolls, SegmentDeleter), so this only hides a missing dir sync.
 *
 * A crash ends an incarnation: every FileSystem view and handle handed out before it stops
 * answering (its promises never settle), so work the dead broker had in flight can neither see nor
 * change the disk the restarted broker opens.
 */
import * as path from 'node:path';
import type { DirEntry, FileHandle, FileSystem } from '../../io/file-system.js';
import type { Prng } from '../raft-sim/prng.js';

class Inode {
  data: Buffer = Buffer.alloc(0);
  len = 0;
  synced: Buffer = Buffer.alloc(0);

  content(): Buffer {
    return this.data.subarray(0, this.len);
  }

  write(buf: Buffer, position: number): void {
    const end = position + buf.length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.data.length * 2, 256));
      this.data.copy(grown, 0, 0, this.len);
      this.data = grown;
    }
    if (position > this.len) this.data.fill(0, this.len, position);
    buf.copy(this.data, position);
    this.len = Math.max(this.len, end);
  }

  truncate(size: number): void {
    if (size < this.len) this.len = size;
    else this.write(Buffer.alloc(size - this.len), this.len);
    if (this.synced.length > size) this.synced = this.synced.subarray(0, size);
  }

  sync(): void {
    this.synced = Buffer.from(this.content());
  }

  /** What survives a power loss: the synced bytes, and maybe a torn prefix of an unsynced tail. */
  afterCrash(prng: Prng): Inode {
    const n = new Inode();
    const cur = this.content();
    let keep: Buffer = this.synced;
    if (cur.length > keep.length && cur.subarray(0, keep.length).equals(keep)) {
      const extra = cur.length - keep.length;
      const r = prng.nextInt(4);
      // Often all or nothing of the tail (the page cache was or was not written back), else torn.
      const kept = r === 0 ? 0 : r === 1 ? extra : prng.nextInt(extra + 1);
      keep = cur.subarray(0, keep.length + kept);
    }
    n.write(Buffer.from(keep), 0);
    n.synced = Buffer.from(keep);
    return n;
  }
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export class SimDisk {
  private files = new Map<string, Inode>();
  private dirs = new Set<string>(['/']);
  /** Bumped by each crash; views of an older incarnation are dead. */
  private incarnation = 0;
  /** Bytes a crash threw away (unsynced data), for the run's statistics. */
  lostBytes = 0;

  /** The FileSystem the next incarnation of the broker uses. */
  view(): FileSystem {
    return new SimFileSystem(this, this.incarnation);
  }

  alive(incarnation: number): boolean {
    return incarnation === this.incarnation;
  }

  crash(prng: Prng): void {
    this.incarnation++;
    const after = new Map<string, Inode>();
    for (const [name, inode] of [...this.files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const n = inode.afterCrash(prng);
      this.lostBytes += inode.len - n.len;
      after.set(name, n);
    }
    this.files = after;
  }

  // Internal operations for SimFileSystem (synchronous; the view makes them async).
  inode(p: string): Inode | undefined {
    return this.files.get(p);
  }

  create(p: string): Inode {
    const dir = path.dirname(p);
    if (!this.dirs.has(dir)) throw enoent(dir);
    const n = new Inode();
    this.files.set(p, n);
    return n;
  }

  mkdirs(p: string): void {
    for (let d = p; d !== '/' && d !== '.' && !this.dirs.has(d); d = path.dirname(d)) this.dirs.add(d);
  }

  isDir(p: string): boolean {
    return this.dirs.has(p);
  }

  readdir(p: string): DirEntry[] {
    if (!this.dirs.has(p)) throw enoent(p);
    const names = new Map<string, boolean>();
    for (const d of this.dirs) if (d !== p && path.dirname(d) === p) names.set(path.basename(d), true);
    for (const f of this.files.keys()) if (path.dirname(f) === p) names.set(path.basename(f), false);
    return [...names.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, isDirectory]) => ({ name, isDirectory }));
  }

  rename(from: string, to: string): void {
    const f = this.files.get(from);
    if (f !== undefined) {
      this.files.delete(from);
      this.files.set(to, f);
      return;
    }
    if (!this.dirs.has(from)) throw enoent(from);
    const prefix = from + '/';
    for (const d of [...this.dirs]) {
      if (d === from || d.startsWith(prefix)) {
        this.dirs.delete(d);
        this.dirs.add(to + d.slice(from.length));
      }
    }
    for (const [name, inode] of [...this.files]) {
      if (name.startsWith(prefix)) {
        this.files.delete(name);
        this.files.set(to + name.slice(from.length), inode);
      }
    }
  }

  rm(p: string): void {
    this.files.delete(p);
    const prefix = p + '/';
    for (const d of [...this.dirs]) if (d === p || d.startsWith(prefix)) this.dirs.delete(d);
    for (const name of [...this.files.keys()]) if (name.startsWith(prefix)) this.files.delete(name);
  }

  writeAtomic(p: string, data: Buffer): void {
    const n = this.create(p);
    n.write(Buffer.from(data), 0);
    n.sync();
  }
}

function enoent(p: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${p}'`), { code: 'ENOENT' });
}

class SimHandle implements FileHandle {
  constructor(
    private readonly fs: SimFileSystem,
    private readonly inode: Inode,
  ) {}

  read(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.fs.op(() => {
      const src = this.inode.content();
      if (position >= src.length) return 0;
      return src.copy(buf, offset, position, Math.min(src.length, position + length));
    });
  }

  write(buf: Buffer, position: number): Promise<void> {
    return this.fs.op(() => this.inode.write(buf, position));
  }

  writev(buffers: readonly Buffer[], position: number): Promise<void> {
    return this.fs.op(() => {
      let at = position;
      for (const b of buffers) {
        this.inode.write(b, at);
        at += b.length;
      }
    });
  }

  datasync(): Promise<void> {
    return this.fs.op(() => this.inode.sync());
  }

  truncate(size: number): Promise<void> {
    return this.fs.op(() => this.inode.truncate(size));
  }

  size(): Promise<number> {
    return this.fs.op(() => this.inode.len);
  }

  close(): Promise<void> {
    return this.fs.op(() => undefined);
  }
}

class SimFileSystem implements FileSystem {
  constructor(
    private readonly disk: SimDisk,
    private readonly incarnation: number,
  ) {}

  /** Runs `fn` as an asynchronous operation of this incarnation (never settles once it crashed). */
  op<T>(fn: () => T): Promise<T> {
    if (!this.disk.alive(this.incarnation)) return never();
    return Promise.resolve().then(() => {
      if (!this.disk.alive(this.incarnation)) return never<T>();
      return fn();
    });
  }

  open(p: string, opts: { create: boolean }): Promise<FileHandle> {
    return this.op(() => {
      const n = this.disk.inode(p) ?? (opts.create ? this.disk.create(p) : undefined);
      if (n === undefined) throw enoent(p);
      return new SimHandle(this, n);
    });
  }

  mkdirs(p: string): Promise<void> {
    return this.op(() => this.disk.mkdirs(p));
  }

  readdir(p: string): Promise<DirEntry[]> {
    return this.op(() => this.disk.readdir(p));
  }

  rename(from: string, to: string): Promise<void> {
    return this.op(() => this.disk.rename(from, to));
  }

  rm(p: string): Promise<void> {
    return this.op(() => this.disk.rm(p));
  }

  exists(p: string): Promise<boolean> {
    return this.op(() => this.disk.inode(p) !== undefined || this.disk.isDir(p));
  }

  readFile(p: string): Promise<Buffer> {
    return this.op(() => {
      const n = this.disk.inode(p);
      if (n === undefined) throw enoent(p);
      return Buffer.from(n.content());
    });
  }

  writeFileAtomic(p: string, data: Buffer): Promise<void> {
    return this.op(() => this.disk.writeAtomic(p, data));
  }

  syncDir(p: string): Promise<void> {
    return this.op(() => {
      if (!this.disk.isDir(p)) throw enoent(p);
    });
  }

  volumeSpace(): Promise<{ totalBytes: number; usableBytes: number }> {
    return this.op(() => ({ totalBytes: 1 << 30, usableBytes: 1 << 29 }));
  }
}
