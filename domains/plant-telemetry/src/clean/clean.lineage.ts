import { columnLineage, type ColumnLineageFacet, type ColumnSource, type DatasetRef } from '@fieldmesh/lineage';

const COPIED = [
  'readingTime',
  'receivedTime',
  'gatewayId',
  'sequenceNumber',
  'deviceId',
  'assetPath',
  'signal',
  'valueText',
  'quality',
  'qualityCode',
  'sourceProtocol',
  'sourceAddress',
  'isHistorical',
  'operatorBadge',
  'attributes',
];

/** How each field of plant.telemetry.clean.v1 derives from the raw product's fields. */
export function cleanColumnLineage(raw: DatasetRef): ColumnLineageFacet {
  const copied = Object.fromEntries(COPIED.map((field): [string, ColumnSource] => [field, { dataset: raw, fields: field, kind: 'IDENTITY' }]));
  return columnLineage({
    ...copied,
    value: { dataset: raw, fields: ['value', 'unit'], transformation: "value converted from unit to the signal's canonical UCUM unit (e.g. [degF] → Cel, kPa → bar, W → kW)" },
    unit: { dataset: raw, fields: 'unit', transformation: 'canonical UCUM unit of the source unit' },
    sourceUnit: { dataset: raw, fields: 'unit', kind: 'IDENTITY' },
    arrival: {
      dataset: raw,
      fields: ['readingTime', 'assetPath', 'signal'],
      kind: 'AGGREGATION',
      transformation: 'readingTime against the newest reading of the series (assetPath, signal) and the allowed lateness',
    },
  });
}
