import { describe, expect, it } from 'vitest';
import { clickhouseSinkConfigSchema } from './config';

const base = { kafka: { brokers: ['127.0.0.1:9092'] }, registryUrl: 'http://127.0.0.1:8081' };
const problems = (clickhouse: object) => {
  const result = clickhouseSinkConfigSchema.safeParse({ ...base, clickhouse });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the sink config: replicas to fail over to', () => {
  it('takes the other replicas of a cluster', () => {
    expect(problems({ url: 'http://127.0.0.1:8123', cluster: 'fieldmesh', replicaUrls: ['http://127.0.0.1:8124'] })).toEqual([]);
  });

  it('names replicaUrls when they are not URLs, outside a cluster, empty or repeated', () => {
    expect(problems({ url: 'http://127.0.0.1:8123', cluster: 'fieldmesh', replicaUrls: ['clickhouse-2'] })).toEqual([expect.stringMatching(/^clickhouse\.replicaUrls\.0: /)]);
    expect(problems({ url: 'http://127.0.0.1:8123', replicaUrls: ['http://127.0.0.1:8124'] })).toEqual([
      'clickhouse.replicaUrls: replicas fail over only within a cluster: set cluster (the servers hold the same tables only as its replicas)',
    ]);
    expect(problems({ url: 'http://127.0.0.1:8123', cluster: 'fieldmesh', replicaUrls: [] })).toEqual([
      'clickhouse.replicaUrls: lists no replica: leave it out when the cluster has no other',
    ]);
    expect(problems({ url: 'http://127.0.0.1:8123', cluster: 'fieldmesh', replicaUrls: ['http://127.0.0.1:8123'] })).toEqual([
      'clickhouse.replicaUrls: lists a replica twice (or repeats url): name each other replica once',
    ]);
  });
});
