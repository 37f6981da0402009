import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSourceConformance, LinkProxy } from '@fieldmesh/connect-conformance';
import { AcmeCse, DeviceWriter } from '@fieldmesh/testing';
import { afterAll, beforeAll } from 'vitest';
import { onem2mSourceConfigSchema } from '../src/config';
import { Onem2mSource } from '../src/source';

let cse: AcmeCse;
let rigs = 0;

beforeAll(async () => {
  cse = await AcmeCse.start();
});

afterAll(async () => {
  await cse?.close();
});

describeSourceConformance('oneM2M', {
  // Notifications are answered at once, but the acked creationTime is kept per container and a new source
  // retrieves only what the CSE created after it: an acked batch is not delivered again.
  acknowledgesUpstream: true,
  async rig() {
    const id = `conformance-${++rigs}-${process.pid}`;
    const gateway = `Cgw-${id}`;
    const device = new DeviceWriter(cse.url, cse.cseBaseName, `Cdev-${id}`);
    await device.provision(id, ['values'], gateway);
    // Only the gateway's requests to the CSE go through the link; the CSE notifies the source directly.
    const link = await LinkProxy.start({ host: '127.0.0.1', port: cse.port });
    const config = onem2mSourceConfigSchema.parse({
      cseUrl: `http://${link.address}`,
      cseBaseName: cse.cseBaseName,
      originator: gateway,
      aeName: `gw-${id}`,
      livenessIntervalMs: 200,
      requestTimeoutMs: 2000,
      mappings: [{ container: `${id}/values`, assetPath: 'acme/berlin/press-shop/line-1/press-7', signal: 'conformance', unit: '1' }],
    });
    const stateDir = mkdtempSync(join(tmpdir(), 'onem2m-conformance-'));
    return {
      createSource: () => new Onem2mSource(config, { instanceName: id, stateDir }),
      publish: async (values) => {
        for (const value of values) await device.write(`${id}/values`, String(value));
      },
      publishMalformed: () => device.write(`${id}/values`, '{"not":"a scalar"}'),
      link: { cut: () => link.cut(), restore: () => link.restore() },
      close: () => link.close(),
    };
  },
});
