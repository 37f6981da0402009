import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnknownServiceError } from './errors';
import { defaultServices, startStack } from './stack';

const root = mkdtempSync(join(tmpdir(), 'fieldmesh-stack-'));
const newDir = () => mkdtempSync(join(root, 'case-'));

describe('startStack', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs every service by default, the registry after the Kafka it keeps its state in', () => {
    expect(defaultServices()).toEqual(['kafka', 'mosquitto', 'clickhouse', 'registry']);
  });

  it('refuses a service list whose services lack what they need, before starting anything', async () => {
    const dir = join(newDir(), 'stack');
    await expect(startStack({ dir, services: ['registry'] })).rejects.toThrow("registry needs kafka: add it to the stack's services");
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an unknown service by name', async () => {
    const dir = newDir();
    await expect(startStack({ dir, services: ['etcd' as never] })).rejects.toThrow(UnknownServiceError);
  });

  it('refuses a ClickHouse replica count it cannot run, before starting anything', async () => {
    const dir = join(newDir(), 'stack');
    await expect(startStack({ dir, services: ['clickhouse'], clickhouse: { replicas: 4 } })).rejects.toThrow('clickhouse.replicas is 4: a stack runs 1 to 3');
    expect(existsSync(dir)).toBe(false);
  });

  it('never empties a folder that holds something other than a stack', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'thesis.tex'), 'precious');
    await expect(startStack({ dir, services: ['mosquitto'] })).rejects.toThrow(/is not empty and holds no stack/);
    expect(existsSync(join(dir, 'thesis.tex'))).toBe(true);
  });
});
