import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RunningRegistry } from '../src/index';
import { api, deleteTopics, readingSchema, startRegistry, uniqueSubject, uniqueTopic } from './registry.harness';

const brokers = inject('kafkaBrokers');
const running: RunningRegistry[] = [];
const topics: string[] = [];

async function start(topic: string): Promise<RunningRegistry> {
  const registry = await startRegistry(brokers, topic);
  running.push(registry);
  return registry;
}

function newTopic(): string {
  const topic = uniqueTopic();
  topics.push(topic);
  return topic;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((registry) => registry.close()));
  await deleteTopics(brokers, topics.splice(0));
});

/** Everything a client can observe about ids and versions, to compare two registries. */
async function snapshot(url: string) {
  const client = api(url);
  const subjects: string[] = (await client.get('/subjects?deleted=true')).body;
  const result: Record<string, unknown> = {};
  for (const subject of subjects.sort()) {
    const versions: number[] = (await client.get(`/subjects/${subject}/versions?deleted=true`)).body;
    const live: number[] = (await client.get(`/subjects/${subject}/versions`)).body ?? [];
    result[subject] = await Promise.all(
      versions.map(async (version) => {
        const { body } = await client.get(`/subjects/${subject}/versions/${version}?deleted=true`);
        return { version, id: body.id, schema: body.schema, deleted: !(Array.isArray(live) && live.includes(version)) };
      }),
    );
  }
  return result;
}

const field = (name: string) => ({ name, type: 'string', default: '' });

describe('registry state in the compacted log topic', () => {
  it('creates its topic compacted with one partition', async () => {
    const topic = newTopic();
    await start(topic);
    const { createKafka } = await import('@fieldmesh/kafka');
    const admin = createKafka({ clientId: 'registry-test', brokers: brokers.split(',') }).admin();
    await admin.connect();
    try {
      expect((await admin.describeTopicConfigs(topic))['cleanup.policy']).toBe('compact');
      expect(await admin.fetchTopicEndOffsets(topic)).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps every id, version, deletion and level across a restart', async () => {
    const topic = newTopic();
    const first = await start(topic);
    const client = api(first.url);
    const subjects = [uniqueSubject('restart-a'), uniqueSubject('restart-b')];
    const ids: number[] = [];
    for (const [index, subject] of subjects.entries()) {
      ids.push((await client.register(subject, readingSchema())).body.id);
      ids.push((await client.register(subject, readingSchema(field(`extra${index}`)))).body.id);
    }
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    await client.delete(`/subjects/${subjects[0]}/versions/1`);
    await client.put(`/config/${subjects[1]}`, { compatibility: 'FULL' });
    const before = await snapshot(first.url);
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start(topic);
    expect(await snapshot(second.url)).toEqual(before);
    expect((await api(second.url).get(`/config/${subjects[1]}`)).body).toEqual({ compatibilityLevel: 'FULL' });
    // Ids keep increasing after the restart: a new schema never reuses one given out before.
    const next = await api(second.url).register(uniqueSubject('restart-c'), readingSchema(field('after')));
    expect(next.body.id).toBeGreaterThan(Math.max(...ids));
  });

  it("lets a second instance serve the ids the first one gave, and the first see the second one's", async () => {
    const topic = newTopic();
    const [a, b] = await Promise.all([start(topic), start(topic)]);
    const subject = uniqueSubject('two');
    const fromA = await api(a.url).register(subject, readingSchema());
    await expect.poll(async () => (await api(b.url).get(`/subjects/${subject}/versions/1`)).body.id, { timeout: 10_000 }).toBe(fromA.body.id);
    const fromB = await api(b.url).register(subject, readingSchema(field('unit')));
    await expect.poll(async () => (await api(a.url).get(`/subjects/${subject}/versions/latest`)).body, { timeout: 10_000 }).toMatchObject({ version: 2, id: fromB.body.id });
    // Registering on B what A registered answers A's id.
    expect((await api(b.url).register(uniqueSubject('other'), readingSchema())).body.id).toBe(fromA.body.id);
  });

  it('never gives one id to two schemas when two instances register concurrently', async () => {
    const topic = newTopic();
    const [a, b] = await Promise.all([start(topic), start(topic)]);
    const shared = uniqueSubject('race-shared');
    const requests = Array.from({ length: 24 }, (_, index) => {
      const target = index % 2 === 0 ? a : b;
      // Half go to one subject (racing for versions too), half to subjects of their own (racing for ids).
      const subject = index % 4 < 2 ? shared : uniqueSubject(`race-${index}`);
      return api(target.url).register(subject, readingSchema(field(`f${index}`)));
    });
    // The same new schema registered on both instances at once must get one id.
    const same = readingSchema(field('both'));
    requests.push(api(a.url).register(uniqueSubject('same-a'), same), api(b.url).register(uniqueSubject('same-b'), same));
    const responses = await Promise.all(requests);
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    const ids = responses.map((response) => response.body.id as number);
    expect(ids.at(-1)).toBe(ids.at(-2));
    expect(new Set(ids.slice(0, 24)).size).toBe(24);
    expect(ids.slice(0, 24)).not.toContain(ids.at(-1));

    // Both instances, and a third replaying the log from scratch, agree on every id and version.
    const c = await start(topic);
    const expected = await snapshot(c.url);
    await expect.poll(() => snapshot(a.url), { timeout: 10_000 }).toEqual(expected);
    await expect.poll(() => snapshot(b.url), { timeout: 10_000 }).toEqual(expected);
    // Every registered schema is served under the id its writer was told.
    for (const [index, response] of responses.slice(0, 24).entries()) {
      const { body } = await api(c.url).get(`/schemas/ids/${response.body.id}`);
      expect(JSON.parse(body.schema)).toEqual(readingSchema(field(`f${index}`)));
    }
    expect((await api(c.url).get(`/subjects/${shared}/versions`)).body).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
  });
});
