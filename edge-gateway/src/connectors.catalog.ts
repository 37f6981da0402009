import { mqttSourceSpec } from '@fieldmesh/connector-mqtt';
import { opcuaSourceSpec } from '@fieldmesh/connector-opcua';
import type { ConnectorCatalog } from './gateway';

/** The source connectors a gateway config may name by `type`. */
export const connectorCatalog: ConnectorCatalog = {
  mqtt: mqttSourceSpec,
  opcua: opcuaSourceSpec,
};
