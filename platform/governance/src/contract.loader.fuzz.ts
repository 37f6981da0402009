import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkContract } from './contract.loader';

const root = join(import.meta.dirname, '..', '..', '..');
const seed = readFileSync(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), 'utf8').split('\n');

/** Contract text as an author or a merge gone wrong writes it: the real contract, damaged. */
const edits = [
  fc.nat().map((at) => (lines: string[]) => lines.filter((_, i) => i !== at % lines.length)),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([from, to]) =>
      (lines: string[]) =>
        lines.toSpliced(to % lines.length, 0, lines[from % lines.length]!),
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 40 })).map(
    ([at, text]) =>
      (lines: string[]) =>
        lines.toSpliced(at % lines.length, 1, lines[at % lines.length]!.replace(/:.*$/, `: ${text}`)),
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 40 })).map(
    ([at, text]) =>
      (lines: string[]) =>
        lines.toSpliced(at % lines.length, 0, text),
  ),
  fc.nat().map((at) => (lines: string[]) => lines.slice(0, at % lines.length)),
];
/** What an attacker writes: alias bombs, tags, anchors, huge numbers and nesting that YAML parsers have choked on. */
const hostile = fc.constantFrom(
  () => [
    'a: &a [x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 12 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    ),
  ],
  (lines: string[]) => lines.map((line) => line.replace(/: (\d+)$/, ': 1e999999')),
  (lines: string[]) => [`${'['.repeat(5_000)}`, ...lines],
);
// The hostile texts are three fixed ones, and the deep nesting costs the parser about 40 ms where an edited
// contract costs 2: at one in 51 damage steps each still reaches the parser in about 1 % of the inputs.
const damage = fc.oneof(...edits.map((arbitrary) => ({ weight: 10, arbitrary })), { weight: 1, arbitrary: hostile });
const text = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(damage, { minLength: 1, maxLength: 4 }).map((steps) => steps.reduce((lines, step) => (lines.length === 0 ? lines : step(lines)), seed).join('\n')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
);

/** Any contract text: checkContract never throws; it returns the contract or at least one problem, each with a path and a message. */
export const contractYamlFuzz = {
  name: 'contract-yaml',
  arbitrary: text,
  check(input: string): void {
    const result = checkContract('fuzz.yaml', input, root);
    if (result.ok) return;
    if (result.problems.length === 0 || result.problems.some((p) => typeof p.path !== 'string' || typeof p.message !== 'string')) {
      throw new Error(`checkContract failed without a usable problem list: ${JSON.stringify(result.problems)}`);
    }
  },
};
