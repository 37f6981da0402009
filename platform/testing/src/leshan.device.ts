import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The independent LwM2M client the connector is tested against: Eclipse Leshan's client library from Maven
 * Central, pinned (its demo client is not served there since the 2.0.0-M16 module renaming), driven by
 * leshan/LeshanDevice.java beside this file, which only declares IPSO sensor objects and lets the test set their values.
 */
export const LESHAN_VERSION = '2.0.0-M18';

const deviceSource = join(dirname(fileURLToPath(import.meta.url)), 'leshan', 'LeshanDevice.java');

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fieldmesh.test</groupId>
  <artifactId>leshan-client-deps</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.eclipse.leshan</groupId><artifactId>leshan-tl-cf-client-coap</artifactId><version>${LESHAN_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
`;

/**
 * Resolves Leshan's client jars once under the user's cache (outside the repo) and compiles the test
 * device into a folder named by its source's hash; returns the classpath. A lock folder keeps two test
 * runs from building at the same time; `.installed` marks finished jars.
 */
export async function ensureLeshanDevice(): Promise<string> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fieldmesh', 'tools', `leshan-client-${LESHAN_VERSION}`);
  const classes = join(cache, `device-${createHash('sha256').update(readFileSync(deviceSource)).digest('hex').slice(0, 12)}`);
  const lock = `${cache}.lock`;
  mkdirSync(join(cache, '..'), { recursive: true });
  for (const started = Date.now(); !existsSync(join(cache, '.installed')) || !existsSync(join(classes, 'LeshanDevice.class'));) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() - started > 600_000) throw new Error(`${lock} has been held for 10 minutes: remove it if no build of the Leshan client is running`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    try {
      if (!existsSync(join(cache, '.installed'))) {
        rmSync(cache, { recursive: true, force: true });
        mkdirSync(cache, { recursive: true });
        writeFileSync(join(cache, 'pom.xml'), pom);
        execFileSync('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'], { cwd: cache, stdio: 'inherit' });
        writeFileSync(join(cache, '.installed'), `${LESHAN_VERSION}\n`);
      }
      if (!existsSync(join(classes, 'LeshanDevice.class'))) {
        execFileSync('javac', ['-d', classes, '-cp', join(cache, 'lib', '*'), deviceSource], { stdio: 'inherit' });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return `${classes}:${join(cache, 'lib', '*')}`;
}

/** One running Leshan client process: registers with the server and exposes the given IPSO sensor objects. */
export class LeshanDevice {
  private readonly registrations: string[] = [];
  private waiters: (() => void)[] = [];
  private output = '';

  private constructor(
    readonly endpoint: string,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // Leshan names a registration by the Location-Path it was given: /rd/<id>.
      const registered = /^registered \/rd\/(\S+)$/.exec(line);
      if (registered) this.registrations.push(registered[1] as string);
      for (const waiter of this.waiters) waiter();
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
  }

  static start(classpath: string, serverPort: number, endpoint: string, options: { lifetimeSeconds: number; objects: number[] }): LeshanDevice {
    const child = spawn(
      'java',
      [
        '-XX:TieredStopAtLevel=1',
        '-Xss512k',
        '-Xmx96m',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        classpath,
        'LeshanDevice',
        `coap://127.0.0.1:${serverPort}`,
        endpoint,
        String(options.lifetimeSeconds),
        ...options.objects.map(String),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    return new LeshanDevice(endpoint, child);
  }

  /** Registration ids the device was given so far, oldest first. */
  get registrationIds(): readonly string[] {
    return this.registrations;
  }

  /** Resolves once the device has registered `count` times in all. */
  async registered(count = 1, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.registrations.length < count) {
      if (this.exited) throw new Error(`the Leshan device ${this.endpoint} exited with ${this.child.exitCode ?? this.child.signalCode}: ${this.output}`);
      if (Date.now() > deadline) throw new Error(`the Leshan device ${this.endpoint} did not register within ${timeoutMs} ms: ${this.output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
    return this.registrations[count - 1] as string;
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Sets the Sensor Value of /objectId/0/5700; the client notifies its observers. */
  set(objectId: number, value: number): void {
    this.child.stdin?.write(`set ${objectId} 0 ${value}\n`);
  }

  /** De-registers and waits for the process to exit. */
  async deregister(): Promise<void> {
    if (this.exited) throw new Error(`the Leshan device ${this.endpoint} has exited already`);
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.write('deregister\n');
    await exited;
  }

  /** Ends the process without de-registering, as a device that loses power. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
