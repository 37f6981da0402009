import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { LOAD_TLS_ENV } from './load-tls.env';

/**
 * Preloaded (`node --import`) into the simulator's load process of a secure run only: every TLS
 * connection that names no CA, certificate or key of its own gets the bench's load identity. The
 * simulator's load mode speaks mqtts:// but takes no client certificate yet (its `run` mode does, per
 * device, from `mqtt.tls`); once load mode honours `mqtt.tls`, this file goes and the bench passes a config.
 */
const caFile = process.env[LOAD_TLS_ENV.caFile];
const certFile = process.env[LOAD_TLS_ENV.certFile];
const keyFile = process.env[LOAD_TLS_ENV.keyFile];
if (caFile && certFile && keyFile) {
  const identity = { ca: readFileSync(caFile), cert: readFileSync(certFile), key: readFileSync(keyFile) };
  const connect = tls.connect;
  tls.connect = ((...args: unknown[]) => {
    const [options, ...rest] = args;
    if (typeof options !== 'object' || options === null) return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
    const given = options as tls.ConnectionOptions;
    return (connect as (...a: unknown[]) => tls.TLSSocket)({ ...given, ca: given.ca ?? identity.ca, cert: given.cert ?? identity.cert, key: given.key ?? identity.key }, ...rest);
  }) as typeof tls.connect;
}
