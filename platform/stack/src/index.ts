export { ServiceInstallError, ServiceStartError, StackStateError, UnknownServiceError } from './errors';
export { CLICKHOUSE_CLUSTER } from './clickhouse.service';
export { findFreePort } from './free-port';
export { KAFKA_ADMIN_USER, kafkaClientEnv } from './kafka.service';
export { logTail } from './log-tail';
export { startMosquitto, type MosquittoInstance, type MosquittoTlsOptions, type StartMosquittoOptions } from './mosquitto.service';
export { registryClientEnv } from './registry.service';
export { LOCAL_STACK_DIR, REPO_ROOT, TEST_STACKS_DIR, defaultCacheDir } from './paths';
export { SERVICE_NAMES, isServiceName, kafkaNodeId, kafkaNodeName, type ServiceName, type StackAddresses } from './service';
export { ensureStackCa, issueCertificate, stackPkiDir, type IssuedCertificate, type StackCa } from './stack.pki';
export {
  MAX_CLICKHOUSE_REPLICAS,
  MAX_KAFKA_BROKERS,
  Stack,
  attachStack,
  defaultServices,
  removeAbandonedStacks,
  runningStack,
  startStack,
  type ServiceStatus,
  type StackLifetime,
  type StartStackOptions,
} from './stack';
export { ensureDebianExecutable } from './system-package.installer';
