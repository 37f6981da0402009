import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningRegistry } from '../src/index';
import { api, CONTENT_TYPE, deleteTopics, readingSchema, startRegistry, uniqueSubject, uniqueTopic } from './registry.harness';

const brokers = inject('kafkaBrokers');
const topic = uniqueTopic();
let registry: RunningRegistry;
let client: ReturnType<typeof api>;

beforeAll(async () => {
  registry = await startRegistry(brokers, topic);
  client = api(registry.url);
});

afterAll(async () => {
  await registry?.close();
  await deleteTopics(brokers, [topic]);
});

const withUnit = { name: 'unit', type: 'string', default: '' };

describe('registering and reading schemas', () => {
  it('answers the root resource with {} in the registry media type', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect(response.contentType).toContain(CONTENT_TYPE);
  });

  it('returns the same id when the same schema is registered again, even formatted differently', async () => {
    const subject = uniqueSubject('same');
    const first = await client.register(subject, readingSchema());
    expect(first.status).toBe(200);
    const reordered = JSON.stringify({ fields: readingSchema().fields, namespace: 'fieldmesh.test', name: 'Reading', type: 'record' }, null, 2);
    const again = await client.register(subject, reordered);
    expect(again.body).toEqual({ id: first.body.id });
    expect((await client.get(`/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('gives the same schema the same global id under another subject and a new schema a higher id', async () => {
    const a = await client.register(uniqueSubject('a'), readingSchema({ name: 'site', type: 'string' }));
    const b = await client.register(uniqueSubject('b'), readingSchema({ name: 'site', type: 'string' }));
    const c = await client.register(uniqueSubject('c'), readingSchema({ name: 'line', type: 'string' }));
    expect(b.body.id).toBe(a.body.id);
    expect(c.body.id).toBeGreaterThan(a.body.id);
  });

  it('serves versions, latest, the raw schema, and schemas by id', async () => {
    const subject = uniqueSubject('read');
    const v1 = await client.register(subject, readingSchema());
    const v2 = await client.register(subject, readingSchema(withUnit));
    const latest = await client.get(`/subjects/${subject}/versions/latest`);
    expect(latest.body).toMatchObject({ subject, version: 2, id: v2.body.id });
    expect(JSON.parse(latest.body.schema)).toEqual(readingSchema(withUnit));
    expect((await client.get(`/subjects/${subject}/versions/1`)).body).toMatchObject({ version: 1, id: v1.body.id });
    expect((await client.get(`/subjects/${subject}/versions/-1`)).body.version).toBe(2);
    expect((await client.get(`/subjects/${subject}/versions/1/schema`)).body).toEqual(readingSchema());
    expect((await client.get(`/schemas/ids/${v1.body.id}`)).body).toEqual({ schema: JSON.stringify(readingSchema()) });
    expect((await client.get(`/schemas/ids/${v1.body.id}/schema`)).body).toEqual(readingSchema());
    expect((await client.get(`/schemas/ids/${v2.body.id}/versions`)).body).toEqual([{ subject, version: 2 }]);
    expect((await client.get('/subjects')).body).toContain(subject);
    expect((await client.get('/schemas/types')).body).toEqual(['AVRO']);
  });

  it('stores a primitive schema and keeps logical types and custom properties', async () => {
    const subject = uniqueSubject('prim');
    const { body } = await client.register(subject, { type: 'string' });
    expect((await client.get(`/schemas/ids/${body.id}`)).body).toEqual({ schema: '"string"' });
    const timed = readingSchema({ name: 'time', type: { type: 'long', logicalType: 'timestamp-millis' }, unit: 'ms' });
    const registered = await client.register(uniqueSubject('logical'), timed);
    expect(JSON.parse((await client.get(`/schemas/ids/${registered.body.id}`)).body.schema)).toEqual(timed);
  });

  it('accepts application/json and application/vnd.schemaregistry+json request bodies', async () => {
    for (const contentType of ['application/json', 'application/vnd.schemaregistry+json']) {
      const response = await client.post(`/subjects/${uniqueSubject('ct')}/versions`, { schema: '"int"' }, contentType);
      expect(response.status).toBe(200);
    }
  });

  it('looks a schema up under a subject, and says which of subject or schema is missing', async () => {
    const subject = uniqueSubject('lookup');
    const { body } = await client.register(subject, readingSchema());
    const found = await client.post(`/subjects/${subject}`, { schema: JSON.stringify(readingSchema()) });
    expect(found.body).toEqual({ subject, version: 1, id: body.id, schema: JSON.stringify(readingSchema()) });
    const missing = await client.post(`/subjects/${subject}`, { schema: JSON.stringify(readingSchema(withUnit)) });
    expect([missing.status, missing.body.error_code]).toEqual([404, 40403]);
    const noSubject = await client.post(`/subjects/${uniqueSubject('none')}`, { schema: JSON.stringify(readingSchema()) });
    expect([noSubject.status, noSubject.body.error_code]).toEqual([404, 40401]);
  });
});

describe('error codes as Confluent documents them', () => {
  it('40401 unknown subject, 40402 unknown version, 42202 invalid version, 40403 unknown id', async () => {
    const subject = uniqueSubject('errors');
    await client.register(subject, readingSchema());
    expect((await client.get(`/subjects/${uniqueSubject('nobody')}/versions`)).body.error_code).toBe(40401);
    const missingVersion = await client.get(`/subjects/${subject}/versions/7`);
    expect([missingVersion.status, missingVersion.body.error_code]).toEqual([404, 40402]);
    for (const bad of ['0', 'abc', '2147483648']) {
      const invalid = await client.get(`/subjects/${subject}/versions/${bad}`);
      expect([invalid.status, invalid.body.error_code]).toEqual([422, 42202]);
    }
    const noId = await client.get('/schemas/ids/999999');
    expect([noId.status, noId.body.error_code]).toEqual([404, 40403]);
  });

  it('42201 for an invalid Avro schema, for text that is not JSON, and for JSON or PROTOBUF schema types', async () => {
    const subject = uniqueSubject('invalid');
    for (const schema of ['{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}', '{not json', '']) {
      const response = await client.post(`/subjects/${subject}/versions`, { schema });
      expect([response.status, response.body.error_code]).toEqual([422, 42201]);
    }
    for (const schemaType of ['JSON', 'PROTOBUF']) {
      const response = await client.post(`/subjects/${subject}/versions`, { schema: '{"type":"object"}', schemaType });
      expect(response.body.error_code).toBe(42201);
      expect(response.body.message).toMatch(/unsupported schema type/);
    }
  });

  it('409 with the reason when a schema breaks the subject compatibility', async () => {
    const subject = uniqueSubject('incompatible');
    await client.register(subject, readingSchema());
    const response = await client.register(subject, readingSchema({ name: 'unit', type: 'string' }));
    expect([response.status, response.body.error_code]).toEqual([409, 409]);
    expect(response.body.message).toContain("The field 'unit' at path '/fields/2' in the new schema has no default value");
    expect((await client.get(`/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('400 for a body that is not JSON, 404 with an error body for unknown routes', async () => {
    const malformed = await client.post(`/subjects/${uniqueSubject('x')}/versions`, '{bad');
    expect([malformed.status, malformed.body.error_code]).toEqual([400, 400]);
    const unknown = await client.get('/nowhere');
    expect([unknown.status, unknown.body.error_code]).toEqual([404, 404]);
  });
});

describe('soft and permanent deletes', () => {
  it('soft-deletes a version, then permanently deletes it only after the soft delete', async () => {
    const subject = uniqueSubject('del-version');
    await client.register(subject, readingSchema());
    await client.register(subject, readingSchema(withUnit));
    expect((await client.delete(`/subjects/${subject}/versions/1?permanent=true`)).body.error_code).toBe(40407);
    expect((await client.delete(`/subjects/${subject}/versions/1`)).body).toBe(1);
    expect((await client.get(`/subjects/${subject}/versions`)).body).toEqual([2]);
    expect((await client.get(`/subjects/${subject}/versions?deleted=true`)).body).toEqual([1, 2]);
    expect((await client.get(`/subjects/${subject}/versions/1`)).body.error_code).toBe(40402);
    expect((await client.get(`/subjects/${subject}/versions/1?deleted=true`)).body.version).toBe(1);
    expect((await client.delete(`/subjects/${subject}/versions/1`)).body.error_code).toBe(40406);
    expect((await client.delete(`/subjects/${subject}/versions/1?permanent=true`)).body).toBe(1);
    expect((await client.get(`/subjects/${subject}/versions?deleted=true`)).body).toEqual([2]);
    expect((await client.delete(`/subjects/${subject}/versions/1?permanent=true`)).body.error_code).toBe(40402);
  });

  it('keeps serving a soft-deleted schema by id, as consumers of old records need', async () => {
    const subject = uniqueSubject('del-id');
    const { body } = await client.register(subject, readingSchema({ name: 'onlyHere', type: 'int' }));
    await client.delete(`/subjects/${subject}`);
    expect((await client.get(`/schemas/ids/${body.id}`)).status).toBe(200);
    expect((await client.get(`/schemas/ids/${body.id}/versions`)).body).toEqual([]);
    expect((await client.get(`/schemas/ids/${body.id}/versions?deleted=true`)).body).toEqual([{ subject, version: 1 }]);
  });

  it('soft-deletes a subject, refuses a second soft delete (40404), and permanent only after soft (40405)', async () => {
    const subject = uniqueSubject('del-subject');
    await client.register(subject, readingSchema());
    await client.register(subject, readingSchema(withUnit));
    expect((await client.delete(`/subjects/${subject}?permanent=true`)).body.error_code).toBe(40405);
    expect((await client.delete(`/subjects/${subject}`)).body).toEqual([1, 2]);
    expect((await client.get('/subjects')).body).not.toContain(subject);
    expect((await client.get('/subjects?deleted=true')).body).toContain(subject);
    expect((await client.get(`/subjects/${subject}/versions`)).body.error_code).toBe(40401);
    expect((await client.delete(`/subjects/${subject}`)).body.error_code).toBe(40404);
    expect((await client.delete(`/subjects/${subject}?permanent=true`)).body).toEqual([1, 2]);
    expect((await client.get('/subjects?deleted=true')).body).not.toContain(subject);
    expect((await client.delete(`/subjects/${subject}`)).body.error_code).toBe(40401);
  });

  it('re-registering after a soft delete keeps the id and continues the version numbers', async () => {
    const subject = uniqueSubject('reregister');
    const { body } = await client.register(subject, readingSchema());
    await client.delete(`/subjects/${subject}`);
    expect((await client.register(subject, readingSchema())).body).toEqual({ id: body.id });
    expect((await client.get(`/subjects/${subject}/versions`)).body).toEqual([2]);
  });
});

describe('compatibility configuration and checks', () => {
  it('reports the global level, 40408 for an unset subject level unless defaultToGlobal, and sets and deletes levels', async () => {
    const subject = uniqueSubject('config');
    expect((await client.get('/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await client.get(`/config/${subject}`)).body.error_code).toBe(40408);
    expect((await client.get(`/config/${subject}?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await client.put(`/config/${subject}`, { compatibility: 'none' })).body).toEqual({ compatibility: 'NONE' });
    expect((await client.get(`/config/${subject}`)).body).toEqual({ compatibilityLevel: 'NONE' });
    await client.register(subject, readingSchema());
    expect((await client.register(subject, { type: 'string' })).status).toBe(200);
    expect((await client.delete(`/config/${subject}`)).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await client.get(`/config/${subject}`)).body.error_code).toBe(40408);
    expect((await client.delete(`/config/${uniqueSubject('unknown')}`)).body.error_code).toBe(40401);
  });

  it('42203 for an unknown level', async () => {
    const response = await client.put('/config', { compatibility: 'SIDEWAYS' });
    expect([response.status, response.body.error_code]).toEqual([422, 42203]);
  });

  it('changes and restores the global level', async () => {
    expect((await client.put('/config', { compatibility: 'FULL_TRANSITIVE' })).body).toEqual({ compatibility: 'FULL_TRANSITIVE' });
    expect((await client.get('/config')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect((await client.delete('/config')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect((await client.get('/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('checks a candidate against latest or a given version, with verbose messages', async () => {
    const subject = uniqueSubject('compat');
    await client.register(subject, readingSchema());
    const breaking = { schema: JSON.stringify(readingSchema({ name: 'unit', type: 'string' })) };
    const fine = { schema: JSON.stringify(readingSchema(withUnit)) };
    expect((await client.post(`/compatibility/subjects/${subject}/versions/latest`, fine)).body).toEqual({ is_compatible: true });
    expect((await client.post(`/compatibility/subjects/${subject}/versions/1`, breaking)).body).toEqual({ is_compatible: false });
    const verbose = await client.post(`/compatibility/subjects/${subject}/versions/latest?verbose=true`, breaking);
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages[0]).toContain("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
    expect(verbose.body.messages).toContain('{oldSchemaVersion: 1}');
    expect((await client.post(`/compatibility/subjects/${subject}/versions/9`, fine)).body.error_code).toBe(40402);
    expect((await client.post(`/compatibility/subjects/${subject}/versions/latest`, { schema: 'nope' })).body.error_code).toBe(42201);
    // A subject that does not exist yet cannot be broken (Confluent 5.5+).
    expect((await client.post(`/compatibility/subjects/${uniqueSubject('new')}/versions/latest`, breaking)).body).toEqual({ is_compatible: true });
  });

  it('checks every version under a transitive level when no version is given', async () => {
    const subject = uniqueSubject('transitive');
    await client.put(`/config/${subject}`, { compatibility: 'BACKWARD_TRANSITIVE' });
    await client.register(subject, readingSchema());
    await client.register(subject, readingSchema(withUnit));
    const dropsDefault = { schema: JSON.stringify(readingSchema({ name: 'unit', type: 'string' })) };
    expect((await client.post(`/compatibility/subjects/${subject}/versions/latest`, dropsDefault)).body).toEqual({ is_compatible: true });
    expect((await client.post(`/compatibility/subjects/${subject}/versions`, dropsDefault)).body).toEqual({ is_compatible: false });
    expect((await client.post(`/subjects/${subject}/versions`, dropsDefault)).body.error_code).toBe(409);
  });
});

describe('schema references', () => {
  const location = { type: 'record', name: 'Location', namespace: 'fieldmesh.test', fields: [{ name: 'site', type: 'string' }] };
  const located = {
    type: 'record',
    name: 'LocatedReading',
    namespace: 'fieldmesh.test',
    fields: [
      { name: 'value', type: 'double' },
      { name: 'location', type: 'fieldmesh.test.Location' },
    ],
  };

  it('registers a schema using a type from another subject, serves its references, and protects the referenced version', async () => {
    const locationSubject = uniqueSubject('location');
    const subject = uniqueSubject('located');
    await client.register(locationSubject, location);
    const references = [{ name: 'fieldmesh.test.Location', subject: locationSubject, version: 1 }];
    const registered = await client.post(`/subjects/${subject}/versions`, { schema: JSON.stringify(located), references });
    expect(registered.status).toBe(200);
    expect((await client.get(`/schemas/ids/${registered.body.id}`)).body).toEqual({ schema: JSON.stringify(located), references });
    expect((await client.get(`/subjects/${subject}/versions/1`)).body.references).toEqual(references);
    expect((await client.get(`/subjects/${locationSubject}/versions/1/referencedby`)).body).toEqual([registered.body.id]);
    const lookedUp = await client.post(`/subjects/${subject}`, { schema: JSON.stringify(located), references });
    expect(lookedUp.body.id).toBe(registered.body.id);

    const blocked = await client.delete(`/subjects/${locationSubject}/versions/1`);
    expect([blocked.status, blocked.body.error_code]).toEqual([422, 42206]);
    const missingType = await client.post(`/subjects/${uniqueSubject('unresolved')}/versions`, { schema: JSON.stringify(located) });
    expect(missingType.body.error_code).toBe(42201);
    const missingReference = await client.post(`/subjects/${uniqueSubject('dangling')}/versions`, {
      schema: JSON.stringify(located),
      references: [{ name: 'fieldmesh.test.Location', subject: uniqueSubject('nobody'), version: 1 }],
    });
    expect(missingReference.body.error_code).toBe(42201);
  });
});
