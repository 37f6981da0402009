import { kafkaClientEnv, registryClientEnv, type Stack } from '@fieldmesh/stack';

/**
 * Makes this process and every process it starts (gateway, sink, main job) clients of `stack` as the
 * integration tests' global setup makes its workers: Kafka over SASL_SSL as the stack's admin, verifying the
 * broker with the stack CA, and the registry with the governance lead's token, since the runs provision
 * products as `fieldmesh products apply` does.
 */
export function useStackClients(stack: Stack): void {
  Object.assign(process.env, kafkaClientEnv(stack.addresses), registryClientEnv(stack.addresses, 'lead'));
}
