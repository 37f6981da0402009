/** A reading as the tests produce it: `at` is event time in epoch ms. */
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

/** A window's sum as consumers decode it: `start` and `end` in epoch ms. */
export interface WindowSum {
  asset: string;
  start: bigint;
  end: bigint;
  sum: number;
  count: number;
}
