import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';

/** The calls the segment log makes on one open file (a subset of node:fs/promises' FileHandle). */
export interface SegmentFile {
  /** Node loops over partial writes itself; a count short of the input means the disk refused the rest (ENOSPC, EIO). */
  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }>;
  writeFile(data: string): Promise<void>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file system as the segment log sees it. A seam, not an abstraction for its own sake: tests put a
 * file system here that tears a write or fills the disk, which no real disk does on demand.
 */
export interface SegmentFileSystem {
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  open(path: string, flags: 'a' | 'r' | 'r+' | 'w'): Promise<SegmentFile>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string): Promise<void>;
  /** Makes the directory's entries (a new segment file) durable. */
  syncDir(path: string): Promise<void>;
}

export const nodeFileSystem: SegmentFileSystem = {
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  readdir: (path) => readdir(path),
  readFile: (path) => readFile(path),
  open: (path, flags) => open(path, flags),
  rename: (from, to) => rename(from, to),
  rm: (path) => rm(path, { force: true }),
  syncDir: async (path) => {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  },
};
