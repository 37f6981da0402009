import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFORMANCE_VALUES_PER_TEST, describeSourceConformance, LinkProxy } from '@fieldmesh/connect-conformance';
import { afterAll, beforeAll } from 'vitest';
import { OpcuaSource, parseOpcuaSourceConfig } from '../src/index';
import { PlantTestServer } from './fixtures/plant-test-server';
import { recordingLog } from './fixtures/source.harness';

const dir = mkdtempSync(join(tmpdir(), 'opcua-conformance-'));
let plant: PlantTestServer;
let assets = 0;

beforeAll(async () => {
  plant = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki') });
});

afterAll(async () => {
  await plant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describeSourceConformance('OPC UA', {
  // OPC UA has no acknowledgement to the server: a new subscription starts from the values it holds now.
  acknowledgesUpstream: false,
  async rig() {
    const asset = `conformance-${++assets}`;
    // The server keeps only a variable's latest value: each published value gets a signal of its own.
    const signals = Array.from({ length: CONFORMANCE_VALUES_PER_TEST }, (_, i) => `signal_${i}`);
    plant.addAsset(asset, [...signals, 'malformed']);
    const link = await LinkProxy.start({ host: '127.0.0.1', port: plant.port });
    const parsed = parseOpcuaSourceConfig({
      endpointUrl: `opc.tcp://${link.address}`,
      // Conformance of the data path over an unsecured channel; security is security.test.ts's.
      securityMode: 'None',
      securityPolicy: 'None',
      allowSecurityNone: true,
      nodes: signals.map((signal) => ({ nodeId: PlantTestServer.nodeId(asset, signal), assetPath: `acme/berlin/press-shop/line-1/${asset}`, signal })),
      subscription: { publishingInterval: 100, samplingInterval: 0 },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const config = {
      ...parsed.value,
      nodes: [...parsed.value.nodes, { nodeId: PlantTestServer.nodeId(asset, 'malformed'), assetPath: `acme/berlin/press-shop/line-1/${asset}`, signal: 'malformed' }],
    };
    let next = 0;
    return {
      // One client identity and PKI for the whole file, so its certificate is made once.
      createSource: () => new OpcuaSource(config, { instanceName: 'opcua-conformance', stateDir: join(dir, 'client') }, recordingLog()),
      async publish(values) {
        for (const value of values) plant.setValue(asset, signals[next++]!, value);
      },
      async publishMalformed() {
        plant.setArray(asset, 'malformed', [1, 2, 3]);
      },
      link,
      close: () => link.close(),
    };
  },
});
