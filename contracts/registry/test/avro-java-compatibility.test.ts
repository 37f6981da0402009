import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCompatibility, parseSchema, type CompatibilityLevel, type PreviousSchema } from '../src/index';
import { avroJavaVerdicts, avroVersion, ensureAvroJava, type JavaVerdict, type SchemaPair } from './avro-java/avro-java.runtime';

// Every fixture case of the registry's checker (old.avsc, new.avsc, optionally older.avsc) is judged by
// Apache Avro's Java SchemaCompatibility too, which Confluent's AvroSchema.isBackwardCompatible calls:
// BACKWARD asks whether the new schema reads data written with the old one, FORWARD the reverse, FULL both,
// and the transitive modes ask it of older.avsc as well. NONE accepts everything in both and is left out.
const FIXTURES = join(import.meta.dirname, 'fixtures', 'compatibility');
const MODES = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const satisfies readonly CompatibilityLevel[];
type Mode = (typeof MODES)[number];

/**
 * Cases where our verdict knowingly differs from Avro's Java library, each with the reason. Empty: none is
 * known. A disagreement not listed here fails the test with the case and mode named.
 */
const KNOWN_DIFFERENCES: Record<string, { modes: Mode[]; why: string }> = {};

interface FixtureCase {
  name: string;
  schemas: { older?: string; old: string; new: string };
}

const cases: FixtureCase[] = readdirSync(FIXTURES)
  .sort()
  .map((name) => {
    const read = (file: string) => readFileSync(join(FIXTURES, name, file), 'utf8');
    const older = existsSync(join(FIXTURES, name, 'older.avsc')) ? read('older.avsc') : undefined;
    return { name, schemas: { ...(older === undefined ? {} : { older }), old: read('old.avsc'), new: read('new.avsc') } };
  });

/** The reader/writer pairs a case's modes need: the candidate against each earlier version, both ways. */
function pairsOf({ name, schemas }: FixtureCase): SchemaPair[] {
  const earlier = (['old', 'older'] as const).filter((version) => schemas[version] !== undefined);
  return earlier.flatMap((version) => [
    { id: `${name}: new reads ${version}`, reader: schemas.new, writer: schemas[version]! },
    { id: `${name}: ${version} reads new`, reader: schemas[version]!, writer: schemas.new },
  ]);
}

/** Avro's verdict under each mode, from its reader/writer answers (transitive: against older.avsc too). */
function javaModeVerdicts({ name, schemas }: FixtureCase, byId: Map<string, JavaVerdict>): Record<Mode, boolean> {
  const reads = (id: string) => {
    const verdict = byId.get(`${name}: ${id}`);
    if (verdict?.compatible === undefined) throw new Error(`Avro gave no verdict on ${name}: ${id}: ${verdict?.error ?? 'missing'}`);
    return verdict.compatible;
  };
  const hasOlder = schemas.older !== undefined;
  const backward = reads('new reads old');
  const forward = reads('old reads new');
  const backwardTransitive = backward && (!hasOlder || reads('new reads older'));
  const forwardTransitive = forward && (!hasOlder || reads('older reads new'));
  return {
    BACKWARD: backward,
    BACKWARD_TRANSITIVE: backwardTransitive,
    FORWARD: forward,
    FORWARD_TRANSITIVE: forwardTransitive,
    FULL: backward && forward,
    FULL_TRANSITIVE: backwardTransitive && forwardTransitive,
  };
}

function ourModeVerdicts({ schemas }: FixtureCase): Record<Mode, boolean> {
  const previous: PreviousSchema[] = [];
  if (schemas.older !== undefined) previous.push({ version: 1, ...parseSchema(schemas.older) });
  previous.push({ version: previous.length + 1, ...parseSchema(schemas.old) });
  const candidate = parseSchema(schemas.new).type;
  return Object.fromEntries(MODES.map((mode) => [mode, checkCompatibility(candidate, previous, mode).compatible])) as Record<Mode, boolean>;
}

const verdictWord = (compatible: boolean) => (compatible ? 'compatible' : 'incompatible');

describe(`the registry's compatibility verdicts agree with Apache Avro ${avroVersion()} (Java SchemaCompatibility) on every fixture case`, () => {
  const java = new Map<string, Record<Mode, boolean>>();
  const details = new Map<string, JavaVerdict>();

  beforeAll(async () => {
    const pairs = cases.flatMap(pairsOf);
    const runtime = await ensureAvroJava();
    const started = Date.now();
    const verdicts = await avroJavaVerdicts(pairs, runtime);
    console.log(`[avro-java] ${pairs.length} reader/writer pairs of ${cases.length} cases judged in one JVM in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const verdict of verdicts) details.set(verdict.id, verdict);
    for (const fixture of cases) java.set(fixture.name, javaModeVerdicts(fixture, details));
  }, 300_000);

  it('covers every case under all six checked modes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(java.size).toBe(cases.length);
  });

  it('agrees on every case and mode, apart from the differences documented here', () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const fixture of cases) {
      const theirs = java.get(fixture.name)!;
      const ours = ourModeVerdicts(fixture);
      for (const mode of MODES) {
        compared++;
        if (theirs[mode] === ours[mode] || KNOWN_DIFFERENCES[fixture.name]?.modes.includes(mode)) continue;
        const why = pairsOf(fixture)
          .map((pair) => details.get(pair.id)!)
          .filter((verdict) => verdict.compatible === false)
          .map((verdict) => `${verdict.id}: ${verdict.incompatibilities!.map((i) => `${i.type} at ${i.location} (${i.message})`).join('; ')}`);
        disagreements.push(
          `${fixture.name} under ${mode}: ours ${verdictWord(ours[mode])}, Avro ${verdictWord(theirs[mode])}${why.length > 0 ? ` [Avro: ${why.join(' | ')}]` : ''}`,
        );
      }
    }
    const documented = Object.values(KNOWN_DIFFERENCES).reduce((sum, difference) => sum + difference.modes.length, 0);
    console.log(
      `[avro-java] ${compared} verdicts compared (${cases.length} cases x ${MODES.length} modes): ${compared - disagreements.length - documented} agree, ${documented} documented differences, ${disagreements.length} undocumented`,
    );
    expect(disagreements, disagreements.join('\n')).toEqual([]);
  });

  it('the documented differences still differ (a fixed one is removed from the list)', () => {
    for (const [name, { modes }] of Object.entries(KNOWN_DIFFERENCES)) {
      const fixture = cases.find((candidate) => candidate.name === name);
      expect(fixture, `documented difference for a case that does not exist: ${name}`).toBeDefined();
      const ours = ourModeVerdicts(fixture!);
      for (const mode of modes) expect(ours[mode], `${name} under ${mode}`).not.toBe(java.get(name)![mode]);
    }
  });

  it("agrees with each case's expected.json, so the fixtures state Avro's verdicts", () => {
    const wrong: string[] = [];
    for (const fixture of cases) {
      const expected = JSON.parse(readFileSync(join(FIXTURES, fixture.name, 'expected.json'), 'utf8')) as Record<Mode, boolean>;
      const theirs = java.get(fixture.name)!;
      for (const mode of MODES) {
        if (expected[mode] !== theirs[mode] && !KNOWN_DIFFERENCES[fixture.name]?.modes.includes(mode))
          wrong.push(`${fixture.name} under ${mode}: expected.json says ${verdictWord(expected[mode])}, Avro ${verdictWord(theirs[mode])}`);
      }
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
  });
});
