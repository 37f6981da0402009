import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_PORT, domainHelp, parseDomainCommandLine } from './domain.main';

describe("a domain's command line", () => {
  it('serves /metrics on 127.0.0.1 at the default port unless told otherwise', () => {
    expect(parseDomainCommandLine('energy', ['--brokers', '127.0.0.1:9092', '--registry', 'http://127.0.0.1:8081'])).toEqual({
      brokers: '127.0.0.1:9092',
      registry: 'http://127.0.0.1:8081',
      metrics: { host: '127.0.0.1', port: DEFAULT_METRICS_PORT },
      help: false,
    });
    expect(parseDomainCommandLine('energy', ['--metrics-port', '0', '--metrics-host', '0.0.0.0']).metrics).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseDomainCommandLine('energy', ['--metrics-port', 'off']).metrics).toBeUndefined();
  });

  it('refuses a metrics port that is no port, naming the flag', () => {
    for (const port of ['70000', 'abc', '-1', '']) {
      const error = (() => {
        try {
          parseDomainCommandLine('energy', [`--metrics-port=${port}`]);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, port).toBeInstanceOf(ConfigInvalid);
      expect((error as ConfigInvalid).problems).toEqual([{ path: 'metrics-port', message: 'expected a port from 0 to 65535 (0 picks a free one), or off' }]);
      expect((error as Error).message).toContain('energy command line is invalid');
    }
  });

  it('lists every flag with what it does in --help', () => {
    expect(parseDomainCommandLine('energy', ['--help']).help).toBe(true);
    const help = domainHelp('energy');
    for (const flag of ['--config', '--brokers', '--registry', '--metrics-port', '--metrics-host', '--help']) expect(help).toContain(flag);
    expect(help).toContain(`0 picks a free one, off serves none. Default ${DEFAULT_METRICS_PORT}`);
    expect(help).toContain('Usage: tsx domains/energy/src/main.ts');
  });
});
