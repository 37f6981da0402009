import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@fieldmesh/stack';

/** The independent CSE the connector is tested against: the ACME oneM2M CSE from PyPI, pinned. */
const ACME_VERSION = '2026.5.3';

/**
 * Builds the ACME venv once under the user's cache (outside the repo) and returns its `acmecse` launcher.
 * A lock folder keeps two test runs from building it at the same time; `.installed` marks a finished build.
 */
async function ensureAcmeCse(): Promise<string> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fieldmesh', 'tools', `acmecse-${ACME_VERSION}`);
  const launcher = join(cache, 'bin', 'acmecse');
  const done = join(cache, '.installed');
  const lock = `${cache}.lock`;
  mkdirSync(join(cache, '..'), { recursive: true });
  for (const started = Date.now(); !existsSync(done);) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() - started > 600_000) throw new Error(`${lock} has been held for 10 minutes: remove it if no build of the ACME venv is running`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    try {
      if (!existsSync(done)) {
        rmSync(cache, { recursive: true, force: true });
        execFileSync('python3', ['-m', 'venv', cache], { stdio: 'inherit' });
        execFileSync(join(cache, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `acmecse==${ACME_VERSION}`], { stdio: 'inherit' });
        writeFileSync(done, `${ACME_VERSION}\n`);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return launcher;
}

/** A running ACME CSE: HTTP binding only on 127.0.0.1, in-memory database, headless, ACP checks on. */
export class AcmeCse {
  readonly url: string;
  readonly cseBaseName = 'cse-in';
  readonly admin = 'CAdmin';
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    private readonly launcher: string,
    private readonly directory: string,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<AcmeCse> {
    const cse = new AcmeCse(await ensureAcmeCse(), mkdtempSync(join(tmpdir(), 'fieldmesh-acme-')), await findFreePort());
    // ACME's documented headless setup: everything in [basic.config], console headless, no TUI/web UI,
    // and only the bindings the test needs (MQTT, CoAP and WebSocket off).
    writeFileSync(
      join(cse.directory, 'acme.ini'),
      [
        '[basic.config]',
        'cseType=IN',
        'cseID=id-in',
        `cseName=${cse.cseBaseName}`,
        `adminID=${cse.admin}`,
        'networkInterface=127.0.0.1',
        'cseHost=127.0.0.1',
        `httpPort=${cse.port}`,
        'databaseType=memory',
        'logLevel=warning',
        'consoleType=simple',
        'secret=fieldmesh-test-only',
        '[cse]',
        'enableRemoteCSE=false',
        '[cse.registration]',
        'allowedAEOriginators=C*,S*',
        '[mqtt]',
        'enable=false',
        '[coap]',
        'enable=false',
        '[websocket]',
        'enable=false',
        '[console]',
        'headless=true',
        '[textui]',
        'enable=false',
        '[webui]',
        'enable=false',
        '[cse.statistics]',
        'enable=false',
        '',
      ].join('\n'),
    );
    await cse.run();
    return cse;
  }

  /** Starts the CSE process and resolves once its CSEBase answers. */
  async run(): Promise<void> {
    // ACME takes the config as a bare file name, relative to its base directory.
    const child = spawn(this.launcher, ['--config', 'acme.ini', '--base-directory', this.directory, '--headless'], { cwd: this.directory, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ACME CSE exited with ${child.exitCode}: ${this.output}`);
      const answer = await fetch(`${this.url}/${this.cseBaseName}`, {
        headers: { 'X-M2M-Origin': this.admin, 'X-M2M-RI': 'ready', 'X-M2M-RVI': '3', Accept: 'application/json' },
      }).catch(() => undefined);
      if (answer?.headers.get('X-M2M-RSC') === '2000') return;
      if (Date.now() > deadline) throw new Error(`ACME CSE did not answer on ${this.url} within 60 s: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Stops the CSE (SIGTERM, then SIGKILL) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
