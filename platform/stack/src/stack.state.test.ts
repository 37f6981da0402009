import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StackStateError } from './errors';
import { readState, stateFile, writeState, type StackState } from './stack.state';

describe('stack state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it wrote', () => {
    const state: StackState = {
      dir,
      cacheDir: '/cache',
      createdAt: '2026-01-01T00:00:00.000Z',
      owner: null,
      services: [{ name: 'kafka', ports: { broker: 1, controller: 2 }, secrets: { clusterId: 'x' }, logFile: join(dir, 'logs/kafka.log'), process: { pid: 42, startTime: '7' } }],
    };
    writeState(state);
    expect(readState(dir)).toEqual(state);
    // It holds the services' passwords: nobody but its owner may read it.
    expect(statSync(stateFile(dir)).mode & 0o077).toBe(0);
  });

  it('names the broken field of a state file', () => {
    writeFileSync(
      stateFile(dir),
      JSON.stringify({ dir, cacheDir: '/c', createdAt: 'now', owner: null, services: [{ name: 'etcd', ports: {}, secrets: {}, logFile: 'l', process: null }] }),
    );
    expect(() => readState(dir)).toThrow(StackStateError);
    expect(() => readState(dir)).toThrow(/services\.0\.name/);
  });

  it('tells how to start a stack when there is none', () => {
    expect(() => readState(join(dir, 'missing'))).toThrow(/npm run stack -- up/);
  });
});
