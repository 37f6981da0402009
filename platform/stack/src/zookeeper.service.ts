import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { port, type ServiceDefinition, type ServiceSettings } from './service';
import { ensureDebianExecutable } from './system-package.installer';
import { zookeeperConfig } from './zookeeper.config';

/** Debian's package: the server script marks it installed; the server runs from its jar (the manifest lists the rest). */
const ZOOKEEPER_SCRIPT = '/usr/share/zookeeper/bin/zkServer.sh';
const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** ZooKeeper logs through SLF4J: without a binding it logs nothing at all; the simple one writes to stderr, i.e. its log file. */
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';

const install = async () => {
  await ensureDebianExecutable('zookeeper', ZOOKEEPER_SCRIPT, ['zookeeper']);
  return ensureDebianExecutable('zookeeper', 'java', ['default-jre-headless']);
};

function address(settings: ServiceSettings): string {
  return `127.0.0.1:${port(settings, 'client')}`;
}

/** Sends a four-letter word and returns the whole answer (the server closes the connection after it). */
function fourLetterWord(host: string, clientPort: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: clientPort });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer to '${word}' within ${timeoutMs} ms`)));
    socket.once('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Debian's ZooKeeper 3.8, standalone, as our own process: the coordination service replicated ClickHouse
 * 18.16 needs (replication logs, block hashes for deduplication, the ON CLUSTER DDL queue). One JVM with
 * a small heap, the serial collector and C1 only: it holds a few thousand znodes on a shared 2-core box.
 */
export const zookeeperService: ServiceDefinition = {
  name: 'zookeeper',
  portNames: ['client'],
  createSecrets: () => ({}),
  dependsOn: [],
  readyTimeoutMs: 60_000,

  async install() {
    await install();
  },

  async prepare(context) {
    const java = await install();
    const dataDir = join(context.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(context.dir, 'zoo.cfg');
    writeFileSync(configFile, zookeeperConfig({ clientPort: port(context.settings, 'client'), dataDir }));
    return {
      command: java,
      args: [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        '-Dzookeeper.jmx.log4j.disable=true',
        '-cp',
        `${ZOOKEEPER_JAR}:${SLF4J_SIMPLE_JAR}`,
        'org.apache.zookeeper.server.ZooKeeperServerMain',
        configFile,
      ],
      cwd: context.dir,
    };
  },

  async probe(context) {
    // `ruok` answers `imok` once the server runs; `srvr` says whether it serves (standalone mode) rather than still loading its snapshot.
    const ruok = await fourLetterWord('127.0.0.1', port(context.settings, 'client'), 'ruok');
    if (ruok !== 'imok') throw new Error(`'ruok' answered '${ruok}', expected 'imok'`);
    const srvr = await fourLetterWord('127.0.0.1', port(context.settings, 'client'), 'srvr');
    if (!/^Mode: standalone$/m.test(srvr)) throw new Error(`'srvr' does not say 'Mode: standalone' yet: ${srvr.trim() || '(empty)'}`);
  },

  addresses(settings) {
    return { zookeeperAddress: address(settings) };
  },
};
