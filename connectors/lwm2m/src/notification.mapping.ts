import type { SourceReading, SourceReject } from '@fieldmesh/connect';
import { ContentUndecodable, decodeContent, formatOfHeader } from './content.decoder';
import { ipsoDefaults, parseResourcePath, type ResourceType } from './ipso.objects';
import type { Notification } from './lwm2m.server';

export type MappedNotification = { reading: SourceReading } | { reject: SourceReject };

/** What a notification's resource maps to: its signal, unit and type from the mapping, else from the IPSO object. */
export function resolvedObservation(notification: Pick<Notification, 'observation'>): { signal: string; unit?: string; type: ResourceType } {
  const { observation } = notification;
  const path = parseResourcePath(observation.path);
  const defaults = path && ipsoDefaults(path);
  // The config refuses a path that is neither a known IPSO sensor value nor given signal and type.
  const signal = (observation.signal ?? defaults?.signal) as string;
  const type = (observation.type ?? defaults?.type) as ResourceType;
  const unit = observation.unit ?? defaults?.unit;
  return unit === undefined ? { signal, type } : { signal, unit, type };
}

/**
 * Maps one notification of an observed resource to a reading, or to a reject naming why (the gateway
 * dead-letters it with the payload as it came).
 */
export function mapNotification(notification: Notification): MappedNotification {
  const { registration, device, observation, payload, receivedTime } = notification;
  const sourceAddress = `${registration.endpoint}${observation.path}`;
  const reject = (errorClass: string, reason: string): MappedNotification => ({
    reject: { sourceAddress, payload, errorClass, reason: `${reason}; fix the device or the mapping of ${observation.path} on ${registration.endpoint}`, receivedTime },
  });
  const format = formatOfHeader(notification.contentFormat);
  if (!format) return reject('ContentFormatUnsupported', `the notification is ${String(notification.contentFormat)}; only SenML JSON, TLV and plain text are read`);
  const { signal, unit, type } = resolvedObservation(notification);
  try {
    const values = decodeContent(format, payload, observation.path, type, receivedTime);
    const value = values.find((candidate) => candidate.path === observation.path);
    if (!value) return reject('ResourceMissing', `the ${format} notification holds no value for ${observation.path}`);
    const reading: SourceReading = {
      readingTime: value.time ?? receivedTime,
      deviceId: device.deviceId ?? registration.endpoint,
      assetPath: device.assetPath,
      signal,
      value: value.value,
      quality: 'GOOD',
      sourceProtocol: 'LWM2M',
      sourceAddress,
      isHistorical: false,
      attributes: { 'lwm2m.endpoint': registration.endpoint, 'lwm2m.registrationId': registration.id, 'lwm2m.contentFormat': format },
    };
    if (unit !== undefined) reading.unit = unit;
    return { reading };
  } catch (error) {
    if (error instanceof ContentUndecodable) return reject(error.errorClass, error.message);
    throw error;
  }
}
