import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ProcessTable, rssBytes } from './process-tree.rss';

describe('ProcessTable', () => {
  it('sums the resident memory of a process and everything it started', async () => {
    // A launcher and what it runs, as tsx and node or a shell and java are: `sh` waits for its `sleep`.
    const launcher = spawn('sh', ['-c', 'sleep 30; true'], { stdio: 'ignore' });
    try {
      let table = await ProcessTable.snapshot();
      while (table.tree(launcher.pid!).length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        table = await ProcessTable.snapshot();
      }
      const [root, child] = table.tree(launcher.pid!);
      expect(root).toBe(launcher.pid);
      expect(table.tree(process.pid)).toEqual(expect.arrayContaining([process.pid, launcher.pid, child]));
      expect(await table.treeRssBytes(launcher.pid!)).toBe((await rssBytes(launcher.pid!))! + (await rssBytes(child!))!);
    } finally {
      launcher.kill('SIGKILL');
    }
  });

  it('has nothing for a process that is gone', async () => {
    const gone = spawn('true');
    await once(gone, 'exit');
    const table = await ProcessTable.snapshot();
    expect(table.tree(gone.pid!)).toEqual([]);
    expect(await table.treeRssBytes(gone.pid!)).toBeUndefined();
    expect(await rssBytes(gone.pid!)).toBeUndefined();
  });
});
