/** A reading as the integration tests produce it: `at` is event time in epoch ms. */
export const readingSchema = {
  type: 'record',
  name: 'Reading',
  namespace: 'fieldmesh.test.streams',
  fields: [
    { name: 'asset', type: 'string' },
    { name: 'at', type: 'long' },
    { name: 'v', type: 'double' },
  ],
};

export const windowSumSchema = {
  type: 'record',
  name: 'WindowSum',
  namespace: 'fieldmesh.test.streams',
  fields: [
    { name: 'asset', type: 'string' },
    { name: 'start', type: 'long' },
    { name: 'end', type: 'long' },
    { name: 'sum', type: 'double' },
    { name: 'count', type: 'int' },
  ],
};

export interface Reading {
  asset: string;
  at: bigint;
  v: number;
}
