import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/stack';
import { parseDocument } from 'yaml';

const RAW_CONTRACT = 'contracts/plant-telemetry/raw.yaml';

/** A repository root holding only the raw telemetry contract, published on a topic of its own. */
export interface IsolatedProduct {
  /** Pass as the gateway's `--root` and the sink's `contractsRoot`. */
  root: string;
  topic: string;
}

/**
 * The raw product under its own topic (and so its own subject and ClickHouse table), so that a run's
 * counts are not mixed with other runs or the main job on a shared stack. Schemas are the repository's.
 */
export async function isolatedRawProduct(dir: string, topic: string): Promise<IsolatedProduct> {
  const document = parseDocument(await readFile(join(REPO_ROOT, RAW_CONTRACT), 'utf8'));
  document.setIn(['kafka', 'topic'], topic);
  await mkdir(join(dir, 'contracts/plant-telemetry'), { recursive: true });
  await writeFile(join(dir, RAW_CONTRACT), document.toString());
  await symlink(join(REPO_ROOT, 'schemas'), join(dir, 'schemas'));
  return { root: dir, topic };
}
