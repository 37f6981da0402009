export interface ZookeeperConfigInput {
  clientPort: number;
  dataDir: string;
}

/** The four-letter words the probe and an operator use; 3.5+ answers only whitelisted ones (3.8's default is `srvr` alone). */
export const ZOOKEEPER_FOUR_LETTER_WORDS = ['ruok', 'srvr', 'mntr'] as const;

/**
 * zoo.cfg of a standalone ZooKeeper 3.8 (Debian's) for replicated ClickHouse 18.16, which has no Keeper.
 * Loopback only; the AdminServer (Jetty on 8080 by default) is off, so nothing else listens; autopurge
 * keeps the snapshots of a long-running stack from filling the disk.
 */
export function zookeeperConfig(input: ZookeeperConfigInput): string {
  return [
    'tickTime=2000',
    `dataDir=${input.dataDir}`,
    `clientPort=${input.clientPort}`,
    'clientPortAddress=127.0.0.1',
    'maxClientCnxns=60',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${ZOOKEEPER_FOUR_LETTER_WORDS.join(',')}`,
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
    '',
  ].join('\n');
}
