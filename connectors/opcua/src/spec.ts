import type { SourceConnectorSpec } from '@fieldmesh/connect';
import { opcuaSourceConfigSchema } from './config';
import { OpcuaSource } from './source';

/** The OPC UA source's declaration: docs, `--help` and the editor JSON Schema are generated from it. */
export const opcuaSourceSpec = {
  name: 'opcua',
  kind: 'source',
  status: 'beta',
  summary:
    'Subscribes to OPC UA variables (listed, or found by browsing Objects/<site>/<line>/<asset>/<signal>) with deadbands, ' +
    'maps status codes to quality and EngineeringUnits to UCUM, over None, Sign or SignAndEncrypt with a trust list; ' +
    'optionally subscribes to events and Alarms & Conditions (plant.telemetry.events.v1), which operators acknowledge from the console.',
  config: opcuaSourceConfigSchema,
  inputs: ['opc ua nodes'],
  metadata: [
    { key: 'opcua.status', description: 'Name of the OPC UA status code of the value, e.g. UncertainLastUsableValue.' },
    { key: 'opcua.dataType', description: 'OPC UA built-in data type of the value, e.g. Double.' },
    { key: 'opcua.euRange', description: "The variable's EURange as low..high in its unit, e.g. 0..150, when it has one." },
  ],
  create: (config, context) => new OpcuaSource(config, context),
  emitsEvents: (config) => config.events !== undefined,
} satisfies SourceConnectorSpec<typeof opcuaSourceConfigSchema>;
