import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistryApp, type RunningRegistry } from '../src/index';
import { api, CONTENT_TYPE, deleteTopics, readingSchema, startRegistry, uniqueSubject, uniqueTopic } from './registry.harness';

// What a browser page can make a registry on this machine do: send a form or a no-preflight fetch
// (text/plain, a typeless body), or reach it under the attacker's own name after DNS rebinding.
const brokers = inject('kafkaBrokers');
const topic = uniqueTopic();
const namedTopic = uniqueTopic();
let registry: RunningRegistry;
let named: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry(brokers, topic);
  named = await createRegistryApp({ brokers: brokers.split(','), topic: namedTopic, host: '127.0.0.1', port: 0, allowedHosts: ['registry.plant.test'] });
});

afterAll(async () => {
  await Promise.all([registry?.close(), named?.close()]);
  await deleteTopics(brokers, [topic, namedTopic]);
});

/** One HTTP request with exactly these headers (fetch would add a Content-Type and may not send Host as given). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const registration = JSON.stringify({ schema: JSON.stringify(readingSchema()) });
const hostOf = (registryUrl: string, name: string) => `${name}:${new URL(registryUrl).port}`;

describe('request bodies must be declared JSON', () => {
  it('refuses a cross-site style text/plain registration with 415 and registers nothing', async () => {
    const subject = uniqueSubject('plain');
    const refused = await send(registry.url, 'POST', `/subjects/${subject}/versions`, { 'content-type': 'text/plain;charset=UTF-8' }, registration);
    expect(refused).toEqual({
      status: 415,
      body: { error_code: 415, message: expect.stringMatching(/^HTTP 415 Unsupported Media Type: Content-Type 'text\/plain;charset=UTF-8' is not accepted/) },
    });
    expect((await api(registry.url).get('/subjects')).body).not.toContain(subject);
  });

  it('refuses a form post and a body without a Content-Type, also on PUT /config', async () => {
    const form = await send(registry.url, 'POST', `/subjects/${uniqueSubject('form')}/versions`, { 'content-type': 'application/x-www-form-urlencoded' }, registration);
    expect(form.status).toBe(415);
    const typeless = await send(registry.url, 'POST', `/subjects/${uniqueSubject('typeless')}/versions`, { 'content-length': String(registration.length) }, registration);
    expect(typeless).toEqual({ status: 415, body: { error_code: 415, message: expect.stringContaining('a request body without a Content-Type is not accepted') } });
    const config = await send(registry.url, 'PUT', '/config', { 'content-type': 'text/plain' }, '{"compatibility":"NONE"}');
    expect(config.status).toBe(415);
    expect((await api(registry.url).get('/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('accepts every media type Confluent consumes, with a charset', async () => {
    for (const contentType of [CONTENT_TYPE, 'application/vnd.schemaregistry+json', 'application/json; charset=utf-8', 'application/octet-stream']) {
      const response = await api(registry.url).post(`/subjects/${uniqueSubject('accepted')}/versions`, { schema: '"int"' }, contentType);
      expect([contentType, response.status]).toEqual([contentType, 200]);
    }
  });
});

describe('the Host header must name the registry (DNS rebinding)', () => {
  it('refuses reads and writes addressed to another host with 421 naming it and the setting to change', async () => {
    const read = await send(registry.url, 'GET', '/subjects', { host: hostOf(registry.url, 'attacker.example') });
    expect(read).toEqual({
      status: 421,
      body: { error_code: 421, message: expect.stringContaining("does not answer for host 'attacker.example'") },
    });
    expect((read.body as { message: string }).message).toContain('FIELDMESH_REGISTRY_ALLOWED_HOSTS');
    const subject = uniqueSubject('rebound');
    const write = await send(registry.url, 'POST', `/subjects/${subject}/versions`, { host: hostOf(registry.url, 'attacker.example'), 'content-type': CONTENT_TYPE }, registration);
    expect(write.status).toBe(421);
    expect((await api(registry.url).get('/subjects')).body).not.toContain(subject);
  });

  it('answers for localhost, 127.0.0.1 and [::1] on any port by default', async () => {
    for (const name of ['localhost', '127.0.0.1', '[::1]']) {
      expect((await send(registry.url, 'GET', '/subjects', { host: hostOf(registry.url, name) })).status).toBe(200);
    }
  });

  it('answers for exactly the configured names when allowedHosts is set', async () => {
    expect((await send(named.url, 'GET', '/subjects', { host: hostOf(named.url, 'registry.plant.test') })).status).toBe(200);
    expect(await send(named.url, 'GET', '/subjects', { host: hostOf(named.url, '127.0.0.1') })).toMatchObject({ status: 421, body: { error_code: 421 } });
  });
});
