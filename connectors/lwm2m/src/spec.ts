import type { SourceConnectorSpec } from '@fieldmesh/connect';
import { lwm2mSourceConfigSchema } from './config';
import { Lwm2mSource } from './source';

/** The LwM2M source's declaration: docs, `--help` and the editor JSON Schema are generated from it. */
export const lwm2mSourceSpec = {
  name: 'lwm2m',
  kind: 'source',
  status: 'experimental',
  summary:
    'An LwM2M server over CoAP/UDP (noSec only, no DTLS yet): accepts the registrations of the listed device endpoints (Register, Update, De-register, lifetime expiry), ' +
    'observes the configured resources at each registration and maps every notification (SenML JSON, TLV or plain text) to a reading; IPSO sensor values get their signal and unit by default.',
  config: lwm2mSourceConfigSchema,
  inputs: ['lwm2m resources'],
  metadata: [
    { key: 'lwm2m.endpoint', description: 'Endpoint client name the device registered with.' },
    { key: 'lwm2m.registrationId', description: 'Id of the registration the notification came under (a new one after each device restart).' },
    { key: 'lwm2m.contentFormat', description: 'Content format of the notification: senml+json, tlv or text.' },
  ],
  create: (config, context) => new Lwm2mSource(config, context),
} satisfies SourceConnectorSpec<typeof lwm2mSourceConfigSchema>;
