import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalid } from '@fieldmesh/config';
import fc from 'fast-check';
import { loadGatewayConfig } from './load-gateway-config';

/** A config the gateway accepts, so that damaged copies also reach the checks past the YAML (the schema's, each connector's). */
export const sampleGatewayConfig = `gatewayId: gw-berlin-1
stateDir: /var/lib/fieldmesh/gw-berlin-1
kafka:
  brokers: [127.0.0.1:9092]
registryUrl: http://127.0.0.1:8081
connectors:
  - name: plant-mqtt
    type: mqtt
    config:
      url: mqtt://127.0.0.1:1883
      clientId: gw-berlin-1-mqtt
      format: json
      mappings:
        - topic: acme/berlin/+area/+line/+asset/+signal
          assetPath: acme/berlin/{area}/{line}/{asset}
buffer:
  maxBytes: 256MiB
  segmentBytes: 16MiB
  fsync: always
observability:
  port: 9464
`;
const seed = sampleGatewayConfig.split('\n');

/** The sample config damaged line by line, or text that is not a config at all. */
const edits = [
  fc.nat().map((at) => (lines: string[]) => lines.filter((_, i) => i !== at % lines.length)),
  fc.tuple(fc.nat(), fc.string({ maxLength: 30 })).map(
    ([at, text]) =>
      (lines: string[]) =>
        lines.toSpliced(at % lines.length, 1, lines[at % lines.length]!.replace(/:.*$/, `: ${text}`)),
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 30 })).map(
    ([at, text]) =>
      (lines: string[]) =>
        lines.toSpliced(at % lines.length, 0, text),
  ),
  fc.nat().map((at) => (lines: string[]) => lines.slice(0, at % lines.length)),
];
const hostile = fc.constantFrom(
  (lines: string[]) => lines.map((line) => line.replace(/MiB$/, '9999999999GiB')),
  (lines: string[]) => [`${'{'.repeat(3_000)}`, ...lines],
);
// The hostile texts are two fixed ones, and the deep nesting costs the parser about 30 ms where an edited
// config costs well under 1: at one in 41 damage steps each still reaches the parser in about 2 % of the inputs.
const damage = fc.oneof(...edits.map((arbitrary) => ({ weight: 10, arbitrary })), { weight: 1, arbitrary: hostile });
const text = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(damage, { minLength: 1, maxLength: 3 }).map((steps) => steps.reduce((lines, step) => (lines.length === 0 ? lines : step(lines)), seed).join('\n')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const file = join(mkdtempSync(join(tmpdir(), 'fieldmesh-fuzz-gateway-')), 'gateway.yaml');

/** Any gateway config file: loadGatewayConfig returns the config or throws ConfigInvalid listing problems, nothing else. */
export const gatewayConfigFuzz = {
  name: 'gateway-config',
  arbitrary: text,
  async check(input: string): Promise<void> {
    // A new file each time: ext4 flushes a file truncated and rewritten in place on close, eight times slower.
    rmSync(file, { force: true });
    writeFileSync(file, input);
    try {
      await loadGatewayConfig(file);
    } catch (error) {
      if (!(error instanceof ConfigInvalid) || error.problems.length === 0) throw error;
    }
  },
};
