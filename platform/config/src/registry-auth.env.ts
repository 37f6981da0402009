/**
 * The environment variable a schema registry client's credentials fall back to when its config names none:
 * an API token of a governed Fieldmesh registry (`fieldmesh tokens create`), sent as the password of HTTP
 * basic auth as Confluent clients' `basic.auth.user.info` sends it. @fieldmesh/serde, provisioning
 * (@fieldmesh/governance) and the `fieldmesh` CLI read it; the stack sets it for the tests.
 */
export const REGISTRY_TOKEN_ENV = 'FIELDMESH_REGISTRY_TOKEN';

/** Basic auth with the FIELDMESH_REGISTRY_TOKEN token as password (`username` is for the registry's logs), or none when unset. */
export function registryAuthFromEnv(username: string, env: NodeJS.ProcessEnv = process.env): { username: string; password: string } | undefined {
  const token = env[REGISTRY_TOKEN_ENV]?.trim();
  return token ? { username, password: token } : undefined;
}
