import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Pseudonymiser } from './pseudonymiser';

/** Every open, write, fsync and link the key creation does, in order. */
const calls: string[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const path = String(args[0]);
      const handle = await fs.open(...args);
      const writeFile = handle.writeFile.bind(handle);
      const sync = handle.sync.bind(handle);
      handle.writeFile = (data) => (calls.push(`write ${path}`), writeFile(data));
      handle.sync = () => (calls.push(`sync ${path}`), sync());
      return handle;
    },
    link: (from: string, to: string) => (calls.push(`link ${from} -> ${to}`), fs.link(from, to)),
  };
});

describe('Pseudonymiser key creation', () => {
  it('makes the key durable before it gets its name, and the name durable before the key is used', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'fm-key-'));
    const file = join(stateDir, 'keys', 'pseudonymisation.key');
    await Pseudonymiser.fromKeyFile(file);
    await rm(stateDir, { recursive: true });
    const writes = calls.filter((call) => call.startsWith('write '));
    expect(writes).toHaveLength(1);
    const temporary = writes[0]!.slice('write '.length);
    expect(temporary).not.toBe(file);
    expect(calls.slice(calls.indexOf(writes[0]!))).toEqual([`write ${temporary}`, `sync ${temporary}`, `link ${temporary} -> ${file}`, `sync ${dirname(file)}`]);
  });
});
