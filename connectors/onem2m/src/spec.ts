import type { SourceConnectorSpec } from '@fieldmesh/connect';
import { onem2mSourceConfigSchema } from './config';
import { Onem2mSource } from './source';

/** The oneM2M source's declaration: docs, `--help` and the editor JSON Schema are generated from it. */
export const onem2mSourceSpec = {
  name: 'onem2m',
  kind: 'source',
  status: 'experimental',
  summary:
    "Subscribes to a oneM2M CSE's containers over the HTTP binding (registers an AE, one <subscription> per container notifying its own HTTP server) " +
    'and maps each contentInstance (con, cnf, ct) to a reading through JSON pointers; at connect retrieves what was created after the last acked instance (the latest only at a first start) and resubscribes after a CSE restart.',
  config: onem2mSourceConfigSchema,
  inputs: ['onem2m containers'],
  metadata: [
    { key: 'onem2m.ri', description: 'Resource id of the contentInstance the reading came from.' },
    { key: 'onem2m.cnf', description: 'contentInfo of the contentInstance, e.g. application/json:0.' },
  ],
  create: (config, context) => new Onem2mSource(config, context),
} satisfies SourceConnectorSpec<typeof onem2mSourceConfigSchema>;
