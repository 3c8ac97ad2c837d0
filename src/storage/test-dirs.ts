/**
 * Test helper (not a test itself): fresh directories under os.tmpdir() for storage tests, removed
 * by `cleanup()`, plus a FileSystem wrapper that counts datasyncs (to observe group commit).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileHandle, FileSystem } from '../io/file-system.js';
import { randomHexId } from '../io/random.js';
import { realFileSystem } from '../io/real-file-system.js';

export class TempDirs {
  private readonly dirs: string[] = [];

  async make(): Promise<string> {
    const dir = path.join(os.tmpdir(), `tributary-storage-${randomHexId()}`);
    await realFileSystem.mkdirs(dir);
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const d of this.dirs.splice(0)) await realFileSystem.rm(d);
  }
}

/**
 * Delegates to the real file system, counting datasync calls per path and remembering open handles
 * so `crash()` can close them without any of the log's shutdown work (a kill -9 as seen on disk,
 * minus lost page cache).
 */
export class CountingFileSystem implements FileSystem {
  readonly datasyncs = new Map<string, number>();
  private readonly handles = new Set<FileHandle>();

  async crash(): Promise<void> {
    for (const fh of this.handles) await fh.close();
    this.handles.clear();
  }

  constructor(private readonly inner: FileSystem = realFileSystem) {}

  async open(p: string, opts: { create: boolean }): Promise<FileHandle> {
    const fh = await this.inner.open(p, opts);
    const counts = this.datasyncs;
    const handles = this.handles;
    handles.add(fh);
    return {
      read: (b, o, l, pos) => fh.read(b, o, l, pos),
      write: (b, pos) => fh.write(b, pos),
      writev: (bs, pos) => fh.writev(bs, pos),
      datasync: async () => {
        counts.set(p, (counts.get(p) ?? 0) + 1);
        await fh.datasync();
      },
      truncate: (n) => fh.truncate(n),
      size: () => fh.size(),
      close: async () => {
        if (!handles.delete(fh)) return;
        await fh.close();
      },
    };
  }

  mkdirs(p: string): Promise<void> {
    return this.inner.mkdirs(p);
  }
  readdir(p: string) {
    return this.inner.readdir(p);
  }
  rename(a: string, b: string): Promise<void> {
    return this.inner.rename(a, b);
  }
  rm(p: string): Promise<void> {
    return this.inner.rm(p);
  }
  volumeSpace(p: string) {
    return this.inner.volumeSpace(p);
  }
  exists(p: string): Promise<boolean> {
    return this.inner.exists(p);
  }
  readFile(p: string): Promise<Buffer> {
    return this.inner.readFile(p);
  }
  writeFileAtomic(p: string, d: Buffer): Promise<void> {
    return this.inner.writeFileAtomic(p, d);
  }
  syncDir(p: string): Promise<void> {
    return this.inner.syncDir(p);
  }
}
