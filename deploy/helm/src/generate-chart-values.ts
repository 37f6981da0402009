/**
 * Writes deploy/helm/fieldmesh/generated/*.yaml: the Strimzi topics and users the contracts imply and the
 * domains' consumer groups, which the chart reads with .Files.Get. `npm test` fails while they differ
 * from what this would write.
 *
 *   npm run helm:values
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/products';
import { generatedChartFiles } from './chart-values';

for (const file of await generatedChartFiles(REPO_ROOT)) {
  const path = join(REPO_ROOT, file.path);
  if (existsSync(path) && readFileSync(path, 'utf8') === file.content) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  console.log(`wrote ${file.path}`);
}
console.log('the chart’s generated files are up to date');
