import { REGISTRY_TOKEN_ENV } from '@fieldmesh/config';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { AvroSerde } from '../src/index';
import { rawReadingSchema, uniqueName } from './support';

// The workers' environment names the stack lead's token (see platform/testing's global setup).
const workersToken = process.env[REGISTRY_TOKEN_ENV];
afterEach(() => {
  if (workersToken === undefined) delete process.env[REGISTRY_TOKEN_ENV];
  else process.env[REGISTRY_TOKEN_ENV] = workersToken;
});

describe('the serde on a governed registry', () => {
  it('registers with the token of FIELDMESH_REGISTRY_TOKEN when its config names no credentials', async () => {
    process.env[REGISTRY_TOKEN_ENV] = inject('registryToken');
    const writer = await new AvroSerde({ registryUrl: inject('registryUrl') }).writerFor(uniqueName('token-env'), rawReadingSchema);
    expect(writer.schemaId).toBeGreaterThan(0);
  });

  it('prefers the configured basicAuth to the environment', async () => {
    process.env[REGISTRY_TOKEN_ENV] = 'fmt_00000000_not-a-token-the-registry-knows-aaaaaaaaaaaaaaaaaaa';
    const serde = new AvroSerde({ registryUrl: inject('registryUrl'), basicAuth: { username: 'svc', password: inject('registryToken') } });
    expect((await serde.writerFor(uniqueName('token-config'), rawReadingSchema)).schemaId).toBeGreaterThan(0);
  });

  it('is refused without a token, and the error says how to give one', async () => {
    delete process.env[REGISTRY_TOKEN_ENV];
    const serde = new AvroSerde({ registryUrl: inject('registryUrl') });
    const refused = serde.writerFor(uniqueName('token-none'), rawReadingSchema);
    await expect(refused).rejects.toMatchObject({ name: 'SchemaRegistryUnavailable', status: 401 });
    await expect(refused).rejects.toThrow(`Give the client a token the registry accepts for this (the serde's basicAuth, or ${REGISTRY_TOKEN_ENV})`);
  });
});
