/**
 * Writes docs/components/<connector>.md and the index from each connector's spec, and
 * edge-gateway/gateway.schema.json from the gateway config and its connector catalog; removes pages no
 * spec generates any more. `npm test` fails while any of them differs from what this would write.
 *
 *   npm run docs:generate
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles, orphanedFiles } from './component-docs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const files = await generatedFiles(root);
for (const file of files) {
  if (existsSync(join(root, file.path)) && readFileSync(join(root, file.path), 'utf8') === file.content) continue;
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.content);
  console.log(`wrote ${file.path}`);
}
for (const path of orphanedFiles(root, files)) {
  rmSync(join(root, path));
  console.log(`removed ${path} (no connector spec generates it)`);
}
console.log(`${files.length} generated files are up to date`);
