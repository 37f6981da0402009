import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from './free-port';
import { mosquittoConfig, type MosquittoTlsListenerInput } from './mosquitto.config';
import { isRunning, killNow, killWithThisProcess, launch, stopProcess, type LaunchedProcess } from './process.supervisor';
import { waitUntilReady } from './readiness';
import { port, type ServiceContext, type ServiceDefinition } from './service';
import { ensureDebianExecutable } from './system-package.installer';

// MQTT 3.1.1 CONNECT with clean session, keep-alive 10 s and an empty client id (the broker assigns one).
const CONNECT = Buffer.from([0x10, 12, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x0a, 0x00, 0x00]);
const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Sends CONNECT and expects CONNACK with return code 0: the broker accepts clients, not only TCP. */
export function mqttHandshake(host: string, mqttPort: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: mqttPort });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no CONNACK within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => socket.write(CONNECT));
    socket.once('data', (data) => {
      if (data[0] === 0x20 && data[3] === 0x00) {
        socket.end(DISCONNECT);
        resolve();
      } else fail(`unexpected answer to CONNECT: ${data.toString('hex')}`);
    });
  });
}

export interface TlsProbeIdentity {
  cafile: string;
  certfile: string;
  keyfile: string;
}

/**
 * CONNECT over TLS with a client certificate and expect CONNACK 0: the TLS listener is up with its
 * certificates, CRL and ACL loaded (for a broker that has no plain listener to probe).
 */
export function mqttsHandshake(host: string, mqttsPort: number, identity: TlsProbeIdentity, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port: mqttsPort,
      ca: readFileSync(identity.cafile),
      cert: readFileSync(identity.certfile),
      key: readFileSync(identity.keyfile),
    });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no CONNACK within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(error.message));
    socket.once('secureConnect', () => socket.write(CONNECT));
    socket.once('data', (data) => {
      if (data[0] === 0x20 && data[3] === 0x00) {
        socket.end(DISCONNECT);
        resolve();
      } else fail(`unexpected answer to CONNECT: ${data.toString('hex')}`);
    });
  });
}

/** Eclipse Mosquitto from Debian, as our own process with a generated config. */
export const mosquittoService: ServiceDefinition = {
  name: 'mosquitto',
  portNames: ['mqtt'],
  createSecrets: () => ({}),
  dependsOn: [],
  readyTimeoutMs: 20_000,

  async install() {
    await ensureDebianExecutable('mosquitto', 'mosquitto', ['mosquitto']);
  },

  async prepare(context) {
    const binary = await ensureDebianExecutable('mosquitto', 'mosquitto', ['mosquitto']);
    const dataDir = join(context.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(context.dir, 'mosquitto.conf');
    writeFileSync(configFile, mosquittoConfig({ port: port(context.settings, 'mqtt'), dataDir, logFile: context.logFile, user: userInfo().username }));
    return { command: binary, args: ['-c', configFile], cwd: context.dir };
  },

  probe: (context) => mqttHandshake('127.0.0.1', port(context.settings, 'mqtt')),

  addresses(settings) {
    return { mqttUrl: `mqtt://127.0.0.1:${port(settings, 'mqtt')}` };
  },
};

export type MosquittoTlsOptions = Omit<MosquittoTlsListenerInput, 'port'> & {
  /**
   * A client certificate of the CA, with no rights in the ACL, that readiness and reload() connect with;
   * required without a plain listener, which is otherwise what they probe.
   */
  probe?: { certfile: string; keyfile: string };
};

export interface StartMosquittoOptions {
  /** Its own folder (config, data, mosquitto.log); created when missing. */
  dir: string;
  /** Adds a listener requiring client certificates (see MosquittoTlsListenerInput). */
  tls?: MosquittoTlsOptions;
  /** false: the TLS listener only, nothing anonymous or in clear text (needs `tls` with a `probe`). Default true. */
  plainListener?: boolean;
  /**
   * Log every refusal with who and what at the default level. Mosquitto 2.0 logs a publish its ACL denies
   * (`Denied PUBLISH from <client id> (… '<topic>', …)`) at debug level only, so the broker logs at debug into
   * a pipe and a grep drops its routine lines (one per message and keep-alive) before they reach the log file.
   * Subscriptions are logged too (`<client id> <qos> <filter>`): Mosquitto grants them and silently applies
   * the read ACL to each message. Connections say which certificate CN a client id has (`u'<CN>'`).
   */
  logRefusals?: boolean;
}

/** Mosquitto's debug lines for each message, keep-alive and subscribed filter: the bulk of a debug log, no refusal among them. */
const ROUTINE_DEBUG_LINES = '^[^ ]+: ((Received|Sending) (PUBLISH|PUBACK|PUBREC|PUBREL|PUBCOMP|PINGREQ|PINGRESP|SUBSCRIBE|SUBACK|UNSUBSCRIBE|UNSUBACK|CONNACK|DISCONNECT)\\b|\t)';

/** The grep between Mosquitto's debug log (a named pipe) and its log file: everything but ROUTINE_DEBUG_LINES. */
async function startRefusalLogFilter(pipe: string, logFile: string, cwd: string): Promise<LaunchedProcess> {
  if (!existsSync(pipe)) execFileSync('mkfifo', ['-m', '600', pipe]);
  // Read-write: grep never waits for a writer, and sees no end of file when the broker reopens its log on SIGHUP.
  return launch({ command: 'sh', args: ['-c', 'exec grep --line-buffered -v -E "$0" 0<>"$1"', ROUTINE_DEBUG_LINES, pipe], cwd, logFile });
}

/** A Mosquitto of its own, apart from the shared stack, for tests that need a broker configured their way. */
export interface MosquittoInstance {
  pid: number;
  /** mqtt://127.0.0.1:<port>, anonymous; without a plain listener, the mqtts URL (tlsUrl). */
  url: string;
  /** mqtts://127.0.0.1:<port> when started with `tls`. */
  tlsUrl: string | undefined;
  logFile: string;
  /**
   * SIGHUP: Mosquitto 2.0 re-reads its config, certificates, CRL and ACL files. Resolves once the broker
   * has answered a new connection, which it accepts only after the reload. Open connections stay open.
   */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

function withoutProbe(tls: MosquittoTlsOptions): Omit<MosquittoTlsListenerInput, 'port'> {
  const { probe: _probe, ...listener } = tls;
  return listener;
}

/**
 * Starts Debian's Mosquitto on free 127.0.0.1 ports and waits until it accepts MQTT clients. It dies with
 * this Node process (its exit, or a signal that ends it) when not stopped before.
 */
export async function startMosquitto(options: StartMosquittoOptions): Promise<MosquittoInstance> {
  const dir = resolve(options.dir);
  const binary = await ensureDebianExecutable('mosquitto', 'mosquitto', ['mosquitto']);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const plain = options.plainListener !== false;
  const probe = options.tls?.probe;
  if (!plain && !(options.tls && probe)) throw new Error('startMosquitto: plainListener false needs tls with a probe certificate, to tell when the broker is ready');
  const ports = { mqtt: await findFreePort(), ...(options.tls ? { mqtts: await findFreePort() } : {}) };
  const configFile = join(dir, 'mosquitto.conf');
  const tls = options.tls && ports.mqtts ? { ...withoutProbe(options.tls), port: ports.mqtts } : undefined;
  const logFile = join(dir, 'mosquitto.log');
  const debugLogFile = options.logRefusals ? join(dir, 'mosquitto.debug.pipe') : undefined;
  writeFileSync(
    configFile,
    mosquittoConfig({ port: ports.mqtt, dataDir, logFile, user: userInfo().username, ...(tls ? { tls } : {}), plainListener: plain, ...(debugLogFile ? { debugLogFile } : {}) }),
  );
  const handshake = () =>
    plain || !probe || !tls
      ? mqttHandshake('127.0.0.1', ports.mqtt)
      : mqttsHandshake('127.0.0.1', tls.port, { cafile: tls.cafile, certfile: probe.certfile, keyfile: probe.keyfile });
  const context: ServiceContext = {
    dir,
    stackDir: dir,
    logFile,
    cacheDir: dir,
    repoRoot: dir,
    settings: { ports, secrets: {} },
    addresses: {},
  };
  const filter = debugLogFile ? await startRefusalLogFilter(debugLogFile, logFile, dir) : undefined;
  const launched = await launch({ command: binary, args: ['-c', configFile], cwd: dir, logFile: context.logFile }).catch((error: unknown) => {
    if (filter) killNow(filter.ref);
    throw error;
  });
  const untie = killWithThisProcess(() => {
    killNow(launched.ref);
    if (filter) killNow(filter.ref);
  });
  const stop = async () => {
    await stopProcess(launched.ref, 5_000);
    // After the broker: its last lines (the shutdown) still reach the log file.
    if (filter) await stopProcess(filter.ref, 5_000);
    untie();
  };
  try {
    await waitUntilReady({ ...mosquittoService, probe: handshake }, context, launched);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: launched.ref.pid,
    url: plain ? `mqtt://127.0.0.1:${ports.mqtt}` : `mqtts://127.0.0.1:${ports.mqtts}`,
    tlsUrl: ports.mqtts ? `mqtts://127.0.0.1:${ports.mqtts}` : undefined,
    logFile: context.logFile,
    async reload() {
      if (!isRunning(launched.ref)) throw new Error(`mosquitto (pid ${launched.ref.pid}) is not running: nothing to reload; see ${context.logFile}`);
      process.kill(launched.ref.pid, 'SIGHUP');
      await handshake();
    },
    stop,
  };
}
