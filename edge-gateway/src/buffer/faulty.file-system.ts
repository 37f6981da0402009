import { existsSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { nodeFileSystem, type SegmentFile, type SegmentFileSystem } from './segment-files';

/**
 * A fault the next matching call meets, as a real disk produces it:
 * - 'short-write': writev stores only `bytes` and reports that count, which is what Node returns when the
 *   disk fills in the middle of a write (libuv loops over partial writes and stops at ENOSPC);
 * - 'enospc': writev stores nothing and throws ENOSPC;
 * - 'sync-fails': fsync throws ENOSPC (delayed allocation finds no space when the data is flushed);
 * - 'checkpoint-fails': writing the checkpoint throws ENOSPC;
 * - 'truncate-fails': truncate throws EIO;
 * - 'create-fails': creating a file throws ENOSPC (no space for a new inode or directory entry);
 * - 'crash': writev stores `bytes` and the process dies (kill -9 in the middle of an append): every later
 *   call of this file system throws SimulatedCrash, and what is on disk stays as it is.
 */
export type InjectedFault =
  | { kind: 'short-write'; bytes: number }
  | { kind: 'enospc' }
  | { kind: 'sync-fails' }
  | { kind: 'checkpoint-fails' }
  | { kind: 'truncate-fails' }
  | { kind: 'create-fails' }
  | { kind: 'crash'; bytes: number };

/** Thrown by every call after a simulated crash: the process that held the log is gone. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  constructor() {
    super('simulated crash: the process holding the buffer was killed');
  }
}

function diskError(code: 'ENOSPC' | 'EIO', syscall: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  return Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, syscall, errno: code === 'ENOSPC' ? -28 : -5 });
}

/**
 * The real file system with faults injected on demand, for tests of the segment log: a full disk, a torn
 * write or a crash at an exact byte, which no real disk produces when asked.
 */
export class FaultyFileSystem implements SegmentFileSystem {
  private readonly faults: InjectedFault[] = [];
  private readonly handles = new Set<FileHandle>();
  private crashed = false;

  /** Queues faults; each is met by the next call it applies to. */
  inject(...faults: InjectedFault[]): void {
    this.faults.push(...faults);
  }

  get pendingFaults(): number {
    return this.faults.length;
  }

  /** Forgets faults no call has met yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Kills the "process": open files are closed as the kernel would, and every later call throws. */
  async crash(): Promise<void> {
    this.crashed = true;
    await Promise.all([...this.handles].map((handle) => handle.close().catch(() => undefined)));
    this.handles.clear();
  }

  private take<K extends InjectedFault['kind']>(...kinds: K[]): Extract<InjectedFault, { kind: K }> | undefined {
    this.alive();
    const index = this.faults.findIndex((fault) => (kinds as string[]).includes(fault.kind));
    return index < 0 ? undefined : (this.faults.splice(index, 1)[0] as Extract<InjectedFault, { kind: K }>);
  }

  private alive(): void {
    if (this.crashed) throw new SimulatedCrash();
  }

  mkdir = async (path: string) => (this.alive(), nodeFileSystem.mkdir(path));
  readdir = async (path: string) => (this.alive(), nodeFileSystem.readdir(path));
  readFile = async (path: string) => (this.alive(), nodeFileSystem.readFile(path));
  rename = async (from: string, to: string) => (this.alive(), nodeFileSystem.rename(from, to));
  rm = async (path: string) => (this.alive(), nodeFileSystem.rm(path));
  syncDir = async (path: string) => (this.alive(), nodeFileSystem.syncDir(path));

  open = async (path: string, flags: 'a' | 'r' | 'r+' | 'w'): Promise<SegmentFile> => {
    this.alive();
    if (flags !== 'r' && !existsSync(path) && this.take('create-fails')) throw diskError('ENOSPC', 'open');
    const handle = (await nodeFileSystem.open(path, flags)) as FileHandle;
    this.handles.add(handle);
    return {
      writev: async (buffers) => {
        const fault = this.take('short-write', 'enospc', 'crash');
        if (!fault) return handle.writev(buffers);
        if (fault.kind === 'enospc') throw diskError('ENOSPC', 'write');
        const whole = Buffer.concat(buffers);
        const { bytesWritten } = await handle.write(whole, 0, Math.min(fault.bytes, whole.length));
        if (fault.kind === 'crash') {
          await this.crash();
          throw new SimulatedCrash();
        }
        return { bytesWritten };
      },
      writeFile: async (data) => {
        if (this.take('checkpoint-fails')) throw diskError('ENOSPC', 'write');
        await handle.writeFile(data);
      },
      read: (buffer, offset, length, position) => (this.alive(), handle.read(buffer, offset, length, position)),
      sync: async () => {
        if (this.take('sync-fails')) throw diskError('ENOSPC', 'fsync');
        await handle.sync();
      },
      truncate: async (length) => {
        if (this.take('truncate-fails')) throw diskError('EIO', 'ftruncate');
        await handle.truncate(length);
      },
      close: async () => {
        if (!this.handles.delete(handle)) return; // already closed by a crash
        await handle.close();
      },
    };
  };
}
