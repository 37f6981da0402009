import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianExecutable } from '@fieldmesh/stack';
import { defaultCacheDir } from '@fieldmesh/testing';

/** The pom that pins Apache Avro's Java library (the version is written there only). */
export const AVRO_POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const VERDICTS_SOURCE = fileURLToPath(new URL('./CompatibilityVerdicts.java', import.meta.url));
const COMPLETE_MARKER = '.complete';

export function avroVersion(pom = readFileSync(AVRO_POM, 'utf8')): string {
  const match = /<artifactId>avro<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!match?.[1]) throw new Error(`${AVRO_POM} pins no version of org.apache.avro:avro`);
  return match[1];
}

/** A reader/writer pair to judge: can `reader` read data written with `writer`? Schemas as JSON text. */
export interface SchemaPair {
  id: string;
  reader: string;
  writer: string;
}

/** Avro's SchemaCompatibility verdict on one pair; `error` when Avro refused to parse a schema. */
export interface JavaVerdict {
  id: string;
  compatible?: boolean;
  incompatibilities?: Array<{ type: string; location: string; message: string }>;
  error?: string;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const tail = (text: string) => text.trimEnd().split('\n').slice(-20).join('\n');

/**
 * Avro's jars from Maven Central, resolved once into `<cacheDir>/avro-<version>/libs` (the cache the stack
 * keeps the Kafka jars in) and reused. As for Kafka, the marker is written only after Maven succeeded and
 * Maven writes to a staging folder renamed at the end, so an interrupted or concurrent run cannot leave a
 * half-filled folder behind.
 */
export async function ensureAvroJava(
  cacheDir = defaultCacheDir(),
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<{ libs: string; java: string }> {
  const java = await ensureDebianExecutable('avro-java', 'java', ['default-jre-headless']);
  const version = avroVersion();
  const home = join(cacheDir, `avro-${version}`);
  const libs = join(home, 'libs');
  if (existsSync(join(home, COMPLETE_MARKER)) && existsSync(libs)) {
    log(`[avro-java] Apache Avro ${version} jars cached in ${libs}`);
    return { libs, java };
  }
  const mvn = await ensureDebianExecutable('avro-java', 'mvn', ['maven']);
  mkdirSync(home, { recursive: true });
  const staging = join(home, `libs.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  log(`[avro-java] resolving org.apache.avro:avro:${version} and its dependencies from Maven Central into ${libs}`);
  const started = Date.now();
  const maven = await run(mvn, ['-q', '-B', '-f', AVRO_POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`]);
  if (maven.code !== 0 || !existsSync(join(staging, `avro-${version}.jar`))) {
    throw new Error(
      `Cannot resolve Apache Avro ${version} with 'mvn dependency:copy-dependencies -f ${AVRO_POM}' (exit ${maven.code}): ${tail(maven.stdout + maven.stderr)}\n` +
        'Maven Central must be reachable (or the jars in ~/.m2); run the command above to see the full output.',
    );
  }
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
  writeFileSync(join(home, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  log(`[avro-java] resolved Apache Avro ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { libs, java };
}

/**
 * Avro's `SchemaCompatibility.checkReaderWriterCompatibility` on every pair, in one JVM (the source launcher
 * compiles CompatibilityVerdicts.java in memory: no build step, about two seconds in all).
 */
export async function avroJavaVerdicts(pairs: SchemaPair[], runtime?: { libs: string; java: string }): Promise<JavaVerdict[]> {
  const { libs, java } = runtime ?? (await ensureAvroJava());
  // slf4j.internal.verbosity quiets slf4j's "no provider" notice: Avro logs nothing we need here.
  const result = await run(java, ['-Dslf4j.internal.verbosity=ERROR', '-cp', join(libs, '*'), VERDICTS_SOURCE], JSON.stringify(pairs));
  if (result.code !== 0) throw new Error(`${java} ${VERDICTS_SOURCE} exited with ${result.code}: ${tail(result.stderr || result.stdout)}`);
  const verdicts = JSON.parse(result.stdout) as JavaVerdict[];
  if (verdicts.length !== pairs.length) throw new Error(`CompatibilityVerdicts.java answered ${verdicts.length} of ${pairs.length} pairs`);
  return verdicts;
}
