export { ConfigInvalid } from './errors';
export { loadConfig } from './load-config';
export { formatProblems, parseWith, type ParseResult, type Problem } from './problems';
export { KAFKA_SECURITY_ENV } from './kafka-security.env';
export { REGISTRY_TOKEN_ENV, registryAuthFromEnv } from './registry-auth.env';
