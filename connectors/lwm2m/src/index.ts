export { CONTENT_FORMATS, type DeviceConfig, type Lwm2mSourceConfig, lwm2mSourceConfigSchema, type ObservationConfig, parseLwm2mSourceConfig } from './config';
export { ContentUndecodable, type DecodedValue, decodeContent } from './content.decoder';
export { ipsoSensorObjects, parseResourcePath } from './ipso.objects';
export { mapNotification } from './notification.mapping';
export { announcedObjects, type Registration, RegistrationStore } from './registration.store';
export { type ConnectorLog, Lwm2mSource, type Lwm2mSourceMetrics } from './source';
export { lwm2mSourceSpec } from './spec';
