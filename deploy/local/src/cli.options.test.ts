import { describe, expect, it } from 'vitest';
import { parseCli } from './cli.options';

describe('stack CLI options', () => {
  it('reads each command with its options', () => {
    expect(parseCli(['up'])).toEqual({ ok: true, value: { command: 'up' } });
    expect(parseCli(['down', '--dir', '/tmp/s'])).toEqual({ ok: true, value: { command: 'down', dir: '/tmp/s' } });
    expect(parseCli(['logs', 'kafka', '-f'])).toEqual({ ok: true, value: { command: 'logs', service: 'kafka', follow: true, lines: 100 } });
    expect(parseCli(['logs', '--lines', '5'])).toEqual({ ok: true, value: { command: 'logs', follow: false, lines: 5 } });
    expect(parseCli(['start', '--duration', '30'])).toEqual({ ok: true, value: { command: 'start', duration: 30 } });
    expect(parseCli(['up', '--brokers', '3'])).toEqual({ ok: true, value: { command: 'up', brokers: 3 } });
    expect(parseCli(['start', '--brokers', '3', '--duration', '60'])).toEqual({ ok: true, value: { command: 'start', brokers: 3, duration: 60 } });
    expect(parseCli(['start', '--sites', '2'])).toEqual({ ok: true, value: { command: 'start', sites: 2 } });
    expect(parseCli(['start', '--instances', '2'])).toEqual({ ok: true, value: { command: 'start', instances: 2 } });
    expect(parseCli(['logs', 'kafka-2'])).toEqual({ ok: true, value: { command: 'logs', service: 'kafka-2', follow: false, lines: 100 } });
    expect(parseCli(['reset-watermarks'])).toEqual({ ok: true, value: { command: 'reset-watermarks' } });
    expect(parseCli(['reset-watermarks', '--job', 'energy.consumption-15m'])).toEqual({ ok: true, value: { command: 'reset-watermarks', job: 'energy.consumption-15m' } });
  });

  it('shows help without a command or with --help', () => {
    expect(parseCli([])).toEqual({ ok: true, value: { command: 'help' } });
    expect(parseCli(['up', '--help'])).toEqual({ ok: true, value: { command: 'help' } });
    expect(parseCli(['reset-watermarks', '--help'])).toEqual({ ok: true, value: { command: 'help' } });
  });

  it('names the argument that is wrong', () => {
    expect(parseCli(['launch'])).toEqual({ ok: false, problems: [{ path: 'command', message: 'must be one of up, down, status, logs, start, reset-watermarks (see --help)' }] });
    expect(parseCli(['start', '--job', 'x'])).toEqual({ ok: false, problems: [{ path: 'job', message: "is not an option of 'start'" }] });
    expect(parseCli(['logs', 'kafak'])).toEqual({
      ok: false,
      problems: [{ path: 'service', message: 'must be one of kafka, mosquitto, clickhouse, registry (or kafka-2, kafka-3… of a cluster)' }],
    });
    expect(parseCli(['up', '--brokers', '0'])).toEqual({ ok: false, problems: [{ path: 'brokers', message: 'must be at least 1 broker' }] });
    expect(parseCli(['up', '--brokers', '2.5'])).toEqual({ ok: false, problems: [{ path: 'brokers', message: 'must be a whole number of brokers' }] });
    expect(parseCli(['status', '--brokers', '3'])).toEqual({ ok: false, problems: [{ path: 'brokers', message: "is not an option of 'status'" }] });
    expect(parseCli(['up', '--clickhouse-replicas', '2'])).toEqual({ ok: true, value: { command: 'up', 'clickhouse-replicas': 2 } });
    expect(parseCli(['up', '--clickhouse-replicas', '4'])).toEqual({
      ok: false,
      problems: [{ path: 'clickhouse-replicas', message: 'must be at most 3 replicas (one shard on this machine)' }],
    });
    expect(parseCli(['start', '--clickhouse-replicas', '2'])).toEqual({ ok: true, value: { command: 'start', 'clickhouse-replicas': 2 } });
    expect(parseCli(['logs', '--clickhouse-replicas', '2'])).toEqual({ ok: false, problems: [{ path: 'clickhouse-replicas', message: "is not an option of 'logs'" }] });
    expect(parseCli(['start', '--duration', 'soon'])).toMatchObject({ ok: false, problems: [{ path: 'duration', message: 'must be a number of seconds' }] });
    expect(parseCli(['start', '--duration', '0'])).toMatchObject({ ok: false, problems: [{ path: 'duration', message: 'must be more than 0 seconds' }] });
    expect(parseCli(['up', '--duration', '5'])).toEqual({ ok: false, problems: [{ path: 'duration', message: "is not an option of 'up'" }] });
    expect(parseCli(['start', '--sites', '4'])).toEqual({ ok: false, problems: [{ path: 'sites', message: 'must be at most 3 sites (berlin, hamburg, lyon)' }] });
    expect(parseCli(['start', '--sites', '0'])).toEqual({ ok: false, problems: [{ path: 'sites', message: 'must be at least 1 site' }] });
    expect(parseCli(['up', '--sites', '2'])).toEqual({ ok: false, problems: [{ path: 'sites', message: "is not an option of 'up'" }] });
    expect(parseCli(['start', '--instances', '4'])).toEqual({ ok: false, problems: [{ path: 'instances', message: 'must be at most 3 instances of each domain service' }] });
    expect(parseCli(['start', '--instances', 'two'])).toEqual({ ok: false, problems: [{ path: 'instances', message: 'must be a number of instances' }] });
    expect(parseCli(['up', '--instances', '2'])).toEqual({ ok: false, problems: [{ path: 'instances', message: "is not an option of 'up'" }] });
    expect(parseCli(['up', 'now'])).toEqual({ ok: false, problems: [{ path: '(arguments)', message: "unexpected 'now' after 'up'" }] });
    expect(parseCli(['up', '--colour'])).toMatchObject({ ok: false, problems: [{ path: '(arguments)' }] });
  });
});
