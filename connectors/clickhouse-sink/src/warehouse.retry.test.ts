import { describe, expect, it } from 'vitest';
import { WarehouseUnavailable } from './errors';
import { backoffMs, isUnreachable, whenReachable } from './warehouse.retry';

const refused = () => new WarehouseUnavailable('http://127.0.0.1:8123', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }) });

describe('waiting for an unreachable ClickHouse', () => {
  it('tells an unreachable server from a refusal that needs a fix', () => {
    expect(isUnreachable(refused())).toBe(true);
    expect(isUnreachable(new Error('socket hang up'))).toBe(true);
    expect(isUnreachable(new WarehouseUnavailable('http://127.0.0.1:8123', { cause: new Error('Authentication failed: password is incorrect') }))).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
  });

  it('retries while the server is unreachable, says once that it waits, and says when it answers', async () => {
    const warnings: string[] = [];
    let attempts = 0;
    const result = await whenReachable(
      async () => {
        if (++attempts < 4) throw refused();
        return 'open';
      },
      { target: 'http://127.0.0.1:8123', warn: (message) => warnings.push(message), random: () => 0 },
    );
    expect(result).toBe('open');
    expect(attempts).toBe(4);
    expect(warnings).toEqual([
      'waiting for ClickHouse at http://127.0.0.1:8123, not connected (connect ECONNREFUSED 127.0.0.1:8123); retrying with backoff up to 10 s apart',
      'ClickHouse at http://127.0.0.1:8123 answers again after 3 failed attempt(s); starting',
    ]);
  });

  it('throws any other failure at once', async () => {
    let attempts = 0;
    const wrongPassword = new Error('Authentication failed');
    await expect(
      whenReachable(
        async () => {
          attempts++;
          throw wrongPassword;
        },
        { target: 'x', warn: () => undefined, random: () => 0 },
      ),
    ).rejects.toBe(wrongPassword);
    expect(attempts).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const waiting = whenReachable(
      async () => {
        throw refused();
      },
      { target: 'x', warn: () => controller.abort(new Error('sink closed')), signal: controller.signal, random: () => 1 },
    );
    await expect(waiting).rejects.toThrow('sink closed');
  });

  it('backs off exponentially up to its cap', () => {
    expect([0, 1, 2, 10].map((attempt) => backoffMs(attempt, 250, 10_000, () => 1))).toEqual([250, 500, 1000, 10_000]);
  });
});
