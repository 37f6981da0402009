import { readdir, readFile } from 'node:fs/promises';

/**
 * Resident memory of whole process trees, read from Linux's /proc. A service is often a launcher and the
 * program it starts (tsx then node, a shell then java), and a crash of either is one crash of the service:
 * its memory is the sum of its tree.
 */
export class ProcessTable {
  private constructor(
    /** Parent pid of every process that was alive at the snapshot. */
    private readonly parents: ReadonlyMap<number, number>,
  ) {}

  /** Which process is whose child, now. Processes that end while it is read are left out. */
  static async snapshot(): Promise<ProcessTable> {
    const parents = new Map<number, number>();
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
    await Promise.all(
      pids.map(async (pid) => {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
        // The command name (field 2) is in parentheses and may hold spaces or parentheses: parse after the last ')'.
        const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : Number.NaN;
        if (Number.isInteger(ppid)) parents.set(pid, ppid);
      }),
    );
    return new ProcessTable(parents);
  }

  /** `root` and every process below it, or nothing when `root` is gone. */
  tree(root: number): number[] {
    if (!this.parents.has(root)) return [];
    const found = [root];
    for (let i = 0; i < found.length; i += 1) {
      for (const [pid, parent] of this.parents) if (parent === found[i]) found.push(pid);
    }
    return found;
  }

  /** The summed VmRSS of `root`'s tree in bytes; undefined when the tree is gone. */
  async treeRssBytes(root: number): Promise<number | undefined> {
    const sizes = await Promise.all(this.tree(root).map(rssBytes));
    const alive = sizes.filter((size): size is number => size !== undefined);
    return alive.length === 0 ? undefined : alive.reduce((sum, size) => sum + size, 0);
  }
}

/** VmRSS of one process in bytes; undefined when it is gone (or a kernel thread, which has none). */
export async function rssBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status && /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : undefined;
}
