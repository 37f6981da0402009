import { randomUUID } from 'node:crypto';
import { createKafka } from '@fieldmesh/kafka';
import { createRegistryApp, type RunningRegistry } from '../src/index';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A fresh log topic per test, so tests sharing the broker never see each other's schemas. */
export const uniqueTopic = () => `_schemas_test_${randomUUID().slice(0, 8)}`;
export const uniqueSubject = (name: string) => `${name}-${randomUUID().slice(0, 8)}-value`;

/** Starts an in-process registry on a free port over `topic`. */
export function startRegistry(brokers: string, topic: string): Promise<RunningRegistry> {
  return createRegistryApp({ brokers: brokers.split(','), topic, host: '127.0.0.1', port: 0 });
}

export async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = createKafka({ clientId: 'registry-test', brokers: brokers.split(',') }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}

export interface ApiResponse {
  status: number;
  contentType: string | null;
  // Tests read whatever fields an answer has, as a REST client would; typing each answer adds nothing here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A thin REST client speaking the registry's media type, returning status and parsed body. */
export function api(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown, contentType = CONTENT_TYPE): Promise<ApiResponse> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': contentType },
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown, contentType?: string) => call('POST', path, body, contentType),
    put: (path: string, body: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
    register: (subject: string, schema: unknown) =>
      call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: typeof schema === 'string' ? schema : JSON.stringify(schema) }),
  };
}

/** A record schema with the given extra fields, for building versions of one subject. */
export function readingSchema(...extraFields: object[]) {
  return {
    type: 'record',
    name: 'Reading',
    namespace: 'fieldmesh.test',
    fields: [{ name: 'deviceId', type: 'string' }, { name: 'value', type: 'double' }, ...extraFields],
  };
}
