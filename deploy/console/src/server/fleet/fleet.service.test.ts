import { AccessDenied, type Principal } from '@fieldmesh/auth';
import type { DiagnosticCommand, GatewayAnswer, GatewayHeartbeat } from '@fieldmesh/connect';
import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../../api/fleet.types';
import type { FleetBoard } from './fleet.board';
import { FleetService } from './fleet.service';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');

const heartbeat = (gatewayId: string, secondsAgo: number): GatewayHeartbeat => ({
  kind: 'heartbeat',
  gatewayId,
  sentAt: new Date(NOW - secondsAgo * 1000).toISOString(),
  intervalSeconds: 30,
  state: 'ok',
  uplink: true,
  connectors: { 'plant-mqtt': true },
  buffer: { segments: 1, bytes: 0, pendingRecords: 0, oldestUnackedSeq: null, droppedRecords: 0 },
  startedAt: '2026-12-07T08:00:00.000Z',
});

/** The board reduced to what the service uses: the heartbeats and answers it holds and the commands it sent. */
function boardWith(heartbeats: GatewayHeartbeat[], answers: GatewayAnswer[] = [], rollouts: RolloutView[] = []) {
  const sent: DiagnosticCommand[] = [];
  const board = {
    rollouts: () => rollouts,
    gateways: () => heartbeats,
    heartbeat: (id: string) => heartbeats.find((h) => h.gatewayId === id),
    answersOf: (id: string) => answers.filter((a) => a.gatewayId === id),
    answerTo: (id: string) => answers.find((a) => a.commandId === id),
    send: async (command: DiagnosticCommand) => void sent.push(command),
  };
  return { service: new FleetService(board as unknown as FleetBoard, ['plant-telemetry'], () => NOW), sent };
}

const operator: Principal = { tokenId: 't1', name: 'olga', role: 'operator', domains: ['plant-telemetry'] };

describe('FleetService', () => {
  it('lists silent gateways first: no heartbeat for twice its interval', () => {
    const { service } = boardWith([heartbeat('gw-a', 10), heartbeat('gw-b', 61)]);
    expect(service.list({ terms: [], page: 1, pageSize: 50 }).items.map((g) => [g.gatewayId, g.silent])).toEqual([
      ['gw-b', true],
      ['gw-a', false],
    ]);
  });

  it("sends an operator's command to the gateway with the operator's name and tracks its answer", async () => {
    const { service, sent } = boardWith([heartbeat('gw-a', 5)]);
    const accepted = await service.command('gw-a', { type: 'log-tail', lines: 20 }, operator);
    expect(sent).toEqual([expect.objectContaining({ type: 'log-tail', lines: 20, gatewayId: 'gw-a', requestedBy: 'olga', commandId: accepted.commandId })]);
    expect(service.status(accepted.commandId)).toMatchObject({ commandId: accepted.commandId, type: 'log-tail', requestedBy: 'olga', answer: null });
  });

  it('refuses an operator of another domain and a role that may not act (AccessDenied, 403), sending nothing', async () => {
    const { service, sent } = boardWith([heartbeat('gw-a', 5)]);
    for (const principal of [
      { ...operator, domains: ['asset-health'] },
      { ...operator, role: 'analyst' as const },
      { ...operator, role: 'domain-owner' as const },
    ]) {
      await expect(service.command('gw-a', { type: 'health' }, principal)).rejects.toBeInstanceOf(AccessDenied);
    }
    expect(sent).toEqual([]);
  });

  it('answers 400 naming the bad field, 404 for a gateway never heard from, and sends nothing', async () => {
    const { service, sent } = boardWith([heartbeat('gw-a', 5)]);
    await expect(service.command('gw-a', { type: 'reboot' }, operator)).rejects.toMatchObject({ status: 400 });
    await expect(service.command('gw-a', { type: 'reconnect-connector' }, operator)).rejects.toThrow(/'connector'/);
    await expect(service.command('gw-a', { type: 'log-tail', lines: 5000 }, operator)).rejects.toThrow(/'lines'/);
    await expect(service.command('gw-z', { type: 'health' }, operator)).rejects.toMatchObject({ status: 404 });
    expect(sent).toEqual([]);
  });

  it("shows each gateway's desired-state version and last outcome, and finds rollouts by a gateway they touched", () => {
    const report = {
      appliedVersion: 3,
      latest: { version: 4, rolloutId: 'r-2', outcome: 'rolled-back' as const, reason: 'health gates failed: connectors not connected: plc', at: '2026-12-07T11:59:00.000Z' },
    };
    const rollout = (rolloutId: string, gatewayId: string): RolloutView => ({
      rolloutId,
      by: 'olga',
      startedAt: '2026-12-07T11:58:00.000Z',
      status: 'stopped',
      steps: [{ rolloutId, step: 'published', by: 'olga', at: '2026-12-07T11:58:00.000Z', gatewayId, version: 4 }],
    });
    const { service } = boardWith([{ ...heartbeat('gw-a', 5), desiredState: report }, heartbeat('gw-b', 5)], [], [rollout('r-2', 'gw-a'), rollout('r-1', 'gw-b')]);
    expect(service.list({ terms: [], page: 1, pageSize: 50 }).items.map((g) => [g.gatewayId, g.desiredState])).toEqual([
      ['gw-a', report],
      ['gw-b', null],
    ]);
    expect(service.rollouts({ terms: ['gw-a'], page: 1, pageSize: 50 }).items.map((r) => r.rolloutId)).toEqual(['r-2']);
  });
});
