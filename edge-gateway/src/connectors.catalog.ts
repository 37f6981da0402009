import type { SourceConnectorSpec } from '@fieldmesh/connect';
import { lwm2mSourceSpec } from '@fieldmesh/connector-lwm2m';
import { mqttSourceSpec } from '@fieldmesh/connector-mqtt';
import { onem2mSourceSpec } from '@fieldmesh/connector-onem2m';
import { opcuaSourceSpec } from '@fieldmesh/connector-opcua';

/**
 * The source connectors a gateway config may name by `type`, keyed by each spec's name. The config's
 * `type` enum, its JSON Schema, `--help` and docs/components/ all follow from this one list.
 */
export const connectorCatalog = {
  mqtt: mqttSourceSpec,
  opcua: opcuaSourceSpec,
  onem2m: onem2mSourceSpec,
  lwm2m: lwm2mSourceSpec,
} satisfies Record<string, SourceConnectorSpec>;

export type ConnectorType = keyof typeof connectorCatalog;

export const connectorTypes = Object.keys(connectorCatalog) as [ConnectorType, ...ConnectorType[]];
