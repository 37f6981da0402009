import type { AcknowledgeConditionCommand } from '@fieldmesh/connect';
import { AccessDenied, type Principal } from '@fieldmesh/auth';
import { describe, expect, it } from 'vitest';
import type { ConditionView } from '../../api/plant-events.types';
import type { ConditionBoard } from './condition.board';
import { PlantEventsService } from './plant-events.service';

const condition: ConditionView = {
  conditionId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature_high',
  conditionName: 'bearing_temperature_high',
  assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
  signal: 'bearing_temperature',
  sourceName: 'bearing_temperature',
  severity: 150,
  message: 'Condition is 95.000 and state is High',
  active: true,
  acked: false,
  comment: null,
  eventTime: '2026-12-07T10:00:00.000Z',
  eventId: '0a0b0c',
  gatewayId: 'gw-berlin-1',
  connector: 'plant-opcua',
};

/** The board reduced to what the service uses: the conditions it holds and the commands it sent. */
function boardWith(...conditions: ConditionView[]) {
  const sent: AcknowledgeConditionCommand[] = [];
  const board = {
    domain: 'plant-telemetry',
    list: () => conditions,
    get: (id: string) => conditions.find((c) => c.conditionId === id),
    send: async (command: AcknowledgeConditionCommand) => void sent.push(command),
  };
  return { service: new PlantEventsService(board as unknown as ConditionBoard), sent };
}

const operator: Principal = { tokenId: 't1', name: 'alice', role: 'operator', domains: ['plant-telemetry'] };

describe('PlantEventsService.acknowledge', () => {
  it("sends the operator's acknowledgement to the gateway that read the condition, naming the operator", async () => {
    const { service, sent } = boardWith(condition);
    const accepted = await service.acknowledge(condition.conditionId, { eventId: '0a0b0c', comment: 'lubricated' }, operator);
    expect(sent).toEqual([
      expect.objectContaining({
        type: 'acknowledge-condition',
        gatewayId: 'gw-berlin-1',
        connector: 'plant-opcua',
        eventId: '0a0b0c',
        comment: 'lubricated',
        requestedBy: 'alice',
      }),
    ]);
    expect(accepted).toMatchObject({ commandId: sent[0]?.commandId, requestedBy: 'alice', gatewayId: 'gw-berlin-1' });
  });

  it('refuses an operator of another domain and a role that may not act on alerts (AccessDenied, 403), sending nothing', async () => {
    const { service, sent } = boardWith(condition);
    for (const principal of [
      { ...operator, domains: ['asset-health'] },
      { ...operator, role: 'analyst' as const },
    ]) {
      await expect(service.acknowledge(condition.conditionId, { eventId: '0a0b0c', comment: 'x' }, principal)).rejects.toBeInstanceOf(AccessDenied);
    }
    expect(sent).toEqual([]);
  });

  it('refuses an acknowledgement of an event older than the condition shows (409) and one without a comment (400)', async () => {
    const { service, sent } = boardWith(condition);
    await expect(service.acknowledge(condition.conditionId, { eventId: '010203', comment: 'late' }, operator)).rejects.toMatchObject({ status: 409 });
    await expect(service.acknowledge(condition.conditionId, { eventId: '0a0b0c', comment: '  ' }, operator)).rejects.toThrow(/'comment' .*comment/);
    expect(sent).toEqual([]);
  });

  it('answers 404 for a condition the plant never reported', async () => {
    const { service } = boardWith(condition);
    await expect(service.acknowledge('ns=1;s=nope', { eventId: '0a0b0c', comment: 'x' }, operator)).rejects.toMatchObject({ status: 404 });
  });
});
