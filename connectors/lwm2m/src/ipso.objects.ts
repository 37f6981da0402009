/** The LwM2M data types a resource value is decoded as (TLV and plain text carry no type of their own). */
export type ResourceType = 'float' | 'integer' | 'string' | 'boolean';

export interface IpsoSensorObject {
  /** Signal name of its Sensor Value (5700) when the mapping names none. */
  signal: string;
  /** UCUM unit a device of this object usually measures in; the IPSO objects leave it to the device's Sensor Units (5701), so a mapping may override it. */
  unit?: string;
}

/** IPSO Smart Object sensors (OMA LwM2M registry ids 3300–3330) whose Sensor Value is resource 5700, a float. */
export const IPSO_SENSOR_VALUE = 5700;

export const ipsoSensorObjects: Readonly<Record<number, IpsoSensorObject>> = {
  3300: { signal: 'generic_sensor' },
  3301: { signal: 'illuminance', unit: 'lx' },
  3303: { signal: 'temperature', unit: 'Cel' },
  3304: { signal: 'humidity', unit: '%' },
  3315: { signal: 'barometric_pressure', unit: 'hPa' },
  3316: { signal: 'voltage', unit: 'V' },
  3317: { signal: 'current', unit: 'A' },
  3318: { signal: 'frequency', unit: 'Hz' },
  3320: { signal: 'percentage', unit: '%' },
  3323: { signal: 'pressure', unit: 'Pa' },
  3324: { signal: 'loudness', unit: 'dB' },
  3325: { signal: 'concentration', unit: '[ppm]' },
  3326: { signal: 'acidity', unit: '[pH]' },
  3327: { signal: 'conductivity', unit: 'S' },
  3328: { signal: 'power', unit: 'W' },
  3329: { signal: 'power_factor', unit: '1' },
  3330: { signal: 'distance', unit: 'm' },
};

/** A resource path /object/instance/resource. */
export interface ResourcePath {
  objectId: number;
  instanceId: number;
  resourceId: number;
}

/** `/3303/0/5700` → its ids; undefined when it is not a resource path of 16-bit ids. */
export function parseResourcePath(text: string): ResourcePath | undefined {
  const match = /^\/(\d{1,5})\/(\d{1,5})\/(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const [objectId, instanceId, resourceId] = match.slice(1).map(Number) as [number, number, number];
  if (objectId > 65_535 || instanceId > 65_534 || resourceId > 65_535) return undefined;
  return { objectId, instanceId, resourceId };
}

/** The signal and unit an IPSO sensor's value maps to without a mapping of its own: `temperature`, `temperature_2` for instance 2. */
export function ipsoDefaults(path: ResourcePath): (IpsoSensorObject & { type: ResourceType }) | undefined {
  const known = ipsoSensorObjects[path.objectId];
  if (!known || path.resourceId !== IPSO_SENSOR_VALUE) return undefined;
  return { ...known, signal: path.instanceId === 0 ? known.signal : `${known.signal}_${path.instanceId}`, type: 'float' };
}
