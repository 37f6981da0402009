/**
 * The environment variables a Kafka client's TLS and SASL settings fall back to when its config names
 * none (@fieldmesh/kafka reads them; the stack sets them for the processes it starts and for the tests).
 */
export const KAFKA_SECURITY_ENV = {
  protocol: 'FIELDMESH_KAFKA_SECURITY_PROTOCOL',
  caFile: 'FIELDMESH_KAFKA_SSL_CA_FILE',
  mechanism: 'FIELDMESH_KAFKA_SASL_MECHANISM',
  username: 'FIELDMESH_KAFKA_SASL_USERNAME',
  password: 'FIELDMESH_KAFKA_SASL_PASSWORD',
  passwordFile: 'FIELDMESH_KAFKA_SASL_PASSWORD_FILE',
} as const;
