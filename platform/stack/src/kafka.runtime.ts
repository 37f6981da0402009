import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './command.runner';
import { ServiceInstallError } from './errors';
import { ensureDebianExecutable } from './system-package.installer';

// Kafka 3.9.1, not 4.x: kafkajs still sends request versions (e.g. old Produce/Fetch/ListOffsets) that
// KIP-896 removed from the broker in Kafka 4.0. The version is pinned once, in kafka/pom.xml.
export const KAFKA_POM = fileURLToPath(new URL('../kafka/pom.xml', import.meta.url));

export function kafkaVersion(pom = readFileSync(KAFKA_POM, 'utf8')): string {
  const match = /<artifactId>kafka_2\.13<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!match?.[1]) throw new Error(`${KAFKA_POM} pins no version of org.apache.kafka:kafka_2.13`);
  return match[1];
}

const COMPLETE_MARKER = '.complete';

/**
 * The broker's jars from Maven Central, resolved once into `<cacheDir>/kafka-<version>/libs` and reused.
 * The marker is written only after Maven succeeded, so an interrupted download is redone; Maven writes to
 * a temporary folder renamed at the end, so two runs resolving at once cannot mix their files.
 */
export async function ensureKafkaRuntime(cacheDir: string): Promise<{ libs: string; java: string; resolvedNow: boolean }> {
  const java = await ensureDebianExecutable('kafka', 'java', ['default-jre-headless']);
  const home = join(cacheDir, `kafka-${kafkaVersion()}`);
  const libs = join(home, 'libs');
  const marker = join(home, COMPLETE_MARKER);
  if (existsSync(marker) && existsSync(libs)) return { libs, java, resolvedNow: false };

  const mvn = await ensureDebianExecutable('kafka', 'mvn', ['maven']);
  mkdirSync(home, { recursive: true });
  const staging = join(home, `libs.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`[fieldmesh stack] resolving Kafka ${kafkaVersion()} jars from Maven Central into ${libs}\n`);
  await runCommand(mvn, ['-q', '-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`], {
    service: 'kafka',
  });
  if (!existsSync(join(staging, `kafka_2.13-${kafkaVersion()}.jar`))) {
    throw new ServiceInstallError('kafka', `mvn dependency:copy-dependencies -f ${KAFKA_POM}`, `Maven finished but ${staging} holds no kafka_2.13-${kafkaVersion()}.jar`);
  }
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { libs, java, resolvedNow: true };
}
