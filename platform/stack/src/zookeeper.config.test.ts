import { describe, expect, it } from 'vitest';
import { zookeeperConfig } from './zookeeper.config';

describe('zookeeper config', () => {
  const config = zookeeperConfig({ clientPort: 42181, dataDir: '/stack/zookeeper/data' });
  const settings = Object.fromEntries(
    config
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );

  it('listens on loopback only, on the given port, with its data under the stack folder', () => {
    expect(settings).toMatchObject({ clientPort: '42181', clientPortAddress: '127.0.0.1', dataDir: '/stack/zookeeper/data' });
  });

  it('whitelists the four-letter words the readiness probe sends (3.8 answers only srvr by default)', () => {
    expect(settings['4lw.commands.whitelist']?.split(',')).toEqual(expect.arrayContaining(['ruok', 'srvr']));
  });

  it('starts no AdminServer, which would listen on 8080 on every interface', () => {
    expect(settings['admin.enableServer']).toBe('false');
  });
});
