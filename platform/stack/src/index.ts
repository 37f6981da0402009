export { ServiceInstallError, ServiceStartError, StackStateError, UnknownServiceError } from './errors';
export { findFreePort } from './free-port';
export { KAFKA_ADMIN_USER, kafkaClientEnv } from './kafka.service';
export { logTail } from './log-tail';
export { startMosquitto, type MosquittoInstance, type MosquittoTlsOptions, type StartMosquittoOptions } from './mosquitto.service';
export { LOCAL_STACK_DIR, REPO_ROOT, TEST_STACKS_DIR, defaultCacheDir } from './paths';
export { SERVICE_NAMES, type ServiceName, type StackAddresses } from './service';
export { Stack, attachStack, defaultServices, removeAbandonedStacks, runningStack, startStack, type ServiceStatus, type StackLifetime, type StartStackOptions } from './stack';
export { ensureDebianExecutable } from './system-package.installer';
