import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './mosquitto.config';

describe('mosquitto config', () => {
  const lines = mosquittoConfig({ port: 41883, dataDir: '/stack/mosquitto/data', logFile: '/stack/logs/mosquitto.log', user: 'root' }).split('\n');

  it('listens on 127.0.0.1 only, on the given port, for anonymous clients', () => {
    expect(lines).toContain('listener 41883 127.0.0.1');
    expect(lines).toContain('allow_anonymous true');
    expect(lines.filter((line) => line.startsWith('listener '))).toHaveLength(1);
  });

  it('keeps retained messages and sessions in the stack folder, as the user running the stack', () => {
    expect(lines).toContain('persistence true');
    expect(lines).toContain('persistence_location /stack/mosquitto/data/');
    expect(lines).toContain('user root');
  });

  it("saves sessions and queued messages every second, so a broker crash keeps the gateway's persistent session", () => {
    expect(lines).toContain('autosave_interval 1');
  });

  it('logs into the stack log folder', () => {
    expect(lines).toContain('log_dest file /stack/logs/mosquitto.log');
    expect(lines.filter((line) => /^log_type (debug|subscribe)$/.test(line))).toEqual([]);
  });

  it('logs at debug level with subscriptions into the debug log when refusals are to be logged', () => {
    const debug = mosquittoConfig({ port: 41883, dataDir: '/d', logFile: '/stack/logs/mosquitto.log', user: 'root', debugLogFile: '/stack/mosquitto/debug.pipe' }).split('\n');
    expect(debug).toContain('log_dest file /stack/mosquitto/debug.pipe');
    expect(debug).not.toContain('log_dest file /stack/logs/mosquitto.log');
    expect(debug).toEqual(expect.arrayContaining(['log_type debug', 'log_type subscribe', 'connection_messages true']));
  });
});

describe('mosquitto config with a client-certificate listener', () => {
  const tls = { port: 48883, cafile: '/ca/ca.crt', certfile: '/ca/broker.crt', keyfile: '/ca/broker.key', crlfile: '/ca/crl.pem', aclFile: '/ca/acl.conf' };
  const config = mosquittoConfig({ port: 41883, dataDir: '/stack/mosquitto/data', logFile: '/stack/logs/mosquitto.log', user: 'root', tls });
  const [plain = '', secure = ''] = config.split(/\n(?=listener )/).slice(1);

  it('keeps the plain listener open to anonymous clients', () => {
    expect(plain.split('\n')).toEqual(['listener 41883 127.0.0.1', 'protocol mqtt', 'allow_anonymous true', '']);
    expect(config.split('\n')).toContain('per_listener_settings true');
  });

  it('requires a certificate from the CA, checks the CRL, and takes the CN as username on the TLS listener', () => {
    const lines = secure.split('\n');
    expect(lines[0]).toBe('listener 48883 127.0.0.1');
    for (const line of [
      'cafile /ca/ca.crt',
      'crlfile /ca/crl.pem',
      'require_certificate true',
      'use_identity_as_username true',
      'tls_version tlsv1.2',
      'allow_anonymous false',
      'acl_file /ca/acl.conf',
    ]) {
      expect(lines).toContain(line);
    }
  });
});

describe('mosquitto config without a plain listener', () => {
  const tls = { port: 48883, cafile: '/ca/ca.crt', certfile: '/ca/broker.crt', keyfile: '/ca/broker.key', crlfile: '/ca/crl.pem', aclFile: '/ca/acl.conf' };
  const config = mosquittoConfig({ port: 41883, dataDir: '/d', logFile: '/l', user: 'root', tls, plainListener: false });

  it('listens only on the client-certificate listener: nothing anonymous, nothing in clear text', () => {
    const lines = config.split('\n');
    expect(lines.filter((line) => line.startsWith('listener '))).toEqual(['listener 48883 127.0.0.1']);
    expect(lines.filter((line) => line.startsWith('allow_anonymous '))).toEqual(['allow_anonymous false']);
    expect(lines).toContain('require_certificate true');
  });

  it('refuses to listen nowhere', () => {
    expect(() => mosquittoConfig({ port: 41883, dataDir: '/d', logFile: '/l', user: 'root', plainListener: false })).toThrow(/needs a tls listener/);
  });
});
