import { configFields } from '@fieldmesh/connect';
import { describe, expect, it } from 'vitest';
import { connectorCatalog, connectorTypes } from '../connectors.catalog';
import { connectorsHelp, gatewayHelp } from './gateway.help';

describe('fieldmesh-gateway --help', () => {
  it('lists every connector of the catalog with its kind and status', () => {
    for (const type of connectorTypes) expect(gatewayHelp()).toMatch(new RegExp(`\\n  ${type} +source \\(${connectorCatalog[type].status}\\)  `));
  });

  it("shows one connector's every config field for `connectors <type>`", () => {
    for (const type of connectorTypes) {
      const help = connectorsHelp(type);
      expect(help.ok).toBe(true);
      expect(help.text.split('\n')[0]).toBe(`${type} (source, ${connectorCatalog[type].status})`);
      for (const field of configFields(connectorCatalog[type].config)) expect(help.text).toContain(`\n  ${field.path}  ${field.type}`);
    }
  });

  it('names the connectors the gateway has when asked for one it does not', () => {
    expect(connectorsHelp('modbus')).toEqual({ ok: false, text: `unknown connector 'modbus': the gateway has ${connectorTypes.join(', ')}` });
    expect(connectorsHelp('toString').ok).toBe(false);
  });
});
