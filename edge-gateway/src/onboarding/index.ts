export { reloadBroker, type BrokerReloadTarget } from './broker.reload';
export { REVOCATION_REASONS, caFiles, type IssuedRecord, type RevocationReason } from './ca.store';
export { makeDeviceCsr, type DeviceKeyAndCsr } from './device.csr';
export {
  AlreadyRevoked,
  BrokerReloadFailed,
  CaAlreadyInitialised,
  CaBusy,
  CaIndexCorrupt,
  CaNotInitialised,
  CertificateNotFound,
  CsrInvalid,
  IdentityTypeConflict,
  InvalidIdentity,
  InvalidSerial,
  InvalidValidity,
  MissingSubjectAltName,
} from './errors';
export { CERTIFICATE_TYPES, type CertificateType } from './identity';
export { DEFAULT_DEVICE_PATTERNS, mosquittoAcl, type MosquittoAclOptions } from './mosquitto.acl';
export {
  SiteCa,
  type CertificateListing,
  type CertificateStatus,
  type InitOptions,
  type IssueRequest,
  type IssuedCertificate,
  type RevokeTarget,
  type SubjectAltName,
} from './site.ca';
