import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './mosquitto.config';

describe('mosquitto config', () => {
  const lines = mosquittoConfig({ port: 41883, dataDir: '/stack/mosquitto/data', user: 'root' }).split('\n');

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
});
