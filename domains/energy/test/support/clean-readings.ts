import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/testing';

/** Clean readings as the plant-telemetry domain publishes them (a domain reads another only through its products). */
export const cleanSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;

/**
 * Makes the values of clean power readings (`time` in epoch ms, `kw` in kW), numbered in the order made as a
 * gateway numbers them; `overrides` replace any field (a BAD quality, another signal).
 */
export function cleanPowerReadings(): (assetPath: string, time: number, kw: number, overrides?: Record<string, unknown>) => Record<string, unknown> {
  let sequenceNumber = 0;
  return (assetPath, time, kw, overrides = {}) => {
    sequenceNumber += 1;
    return {
      readingTime: time,
      receivedTime: time + 50,
      gatewayId: 'gw-1',
      sequenceNumber,
      deviceId: 'meter',
      assetPath,
      signal: 'power',
      value: kw,
      valueText: null,
      unit: 'kW',
      sourceUnit: 'kW',
      quality: 'GOOD',
      qualityCode: null,
      sourceProtocol: 'OPC_UA',
      sourceAddress: `${assetPath}/power`,
      isHistorical: false,
      arrival: 'IN_ORDER',
      operatorBadge: null,
      attributes: {},
      ...overrides,
    };
  };
}
