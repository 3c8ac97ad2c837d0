/**
 * The file-system seam: every byte the broker persists goes through these two interfaces, so a
 * simulated disk (one that loses unsynced bytes on a crash, or fails a write) can stand in for the
 * real one in tests. Only src/io/ implements them; storage code receives a FileSystem.
 *
 * Invariants an implementation must keep:
 * - every method is asynchronous (no sync I/O after startup) and rejects with the underlying error;
 * - `write`/`writev` write ALL their bytes at the given position (short writes are retried inside);
 * - `read` returns fewer bytes than asked only at end of file;
 * - `datasync` makes every byte written to that file before the call durable;
 * - `writeFileAtomic` leaves either the old or the new content under `path`, never a mix, and the new
 *   content is durable (file and directory synced) when it resolves.
 */

/** An open file addressed only by position (never the OS file offset), so concurrent I/O is safe. */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the bytes read. */
  read(buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes all of `buf` at `position`. */
  write(buf: Buffer, position: number): Promise<void>;
  /** Writes the buffers back to back starting at `position` (one syscall when possible). */
  writev(buffers: readonly Buffer[], position: number): Promise<void>;
  /** fdatasync: data (and the size) durable, other metadata not necessarily. */
  datasync(): Promise<void>;
  truncate(size: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

export interface FileSystem {
  /** Opens for positional read and write, creating the file when `create` is true. */
  open(path: string, opts: { create: boolean }): Promise<FileHandle>;
  /** mkdir -p */
  mkdirs(path: string): Promise<void>;
  readdir(path: string): Promise<DirEntry[]>;
  rename(from: string, to: string): Promise<void>;
  /** rm -rf: removes a file or a directory tree; a missing path is not an error. */
  rm(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Buffer>;
  /** Writes to `<path>.tmp`, fsyncs it, renames it over `path`, fsyncs the directory. */
  writeFileAtomic(path: string, data: Buffer): Promise<void>;
  /** fsync a directory, making renames, creations and deletions inside it durable. */
  syncDir(path: string): Promise<void>;
  /** Size and free space (for an unprivileged user) of the volume holding `path`, in bytes. */
  volumeSpace(path: string): Promise<{ totalBytes: number; usableBytes: number }>;
}
