import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { mosquittoConfig } from './mosquitto.config';
import { port, type ServiceDefinition } from './service';
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
    writeFileSync(configFile, mosquittoConfig({ port: port(context.settings, 'mqtt'), dataDir, user: userInfo().username }));
    return { command: binary, args: ['-c', configFile], cwd: context.dir };
  },

  probe: (context) => mqttHandshake('127.0.0.1', port(context.settings, 'mqtt')),

  addresses(settings) {
    return { mqttUrl: `mqtt://127.0.0.1:${port(settings, 'mqtt')}` };
  },
};
