import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { aclKey } from '@fieldmesh/kafka';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllContracts, type LoadedContract } from './contract.loader';
import { aclDrift, kafkaAccessPlan, principalNames } from './kafka-access.plan';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');
let contracts: LoadedContract[];
beforeAll(async () => {
  contracts = await loadAllContracts(root);
});

const grantsOf = (principal: string) =>
  kafkaAccessPlan(contracts, { sites: ['berlin'] })
    .bindings.filter((binding) => binding.principal === `User:${principal}`)
    .map(aclKey)
    .map((key) => key.slice(key.indexOf(' ') + 1));

/** The principals allowed to write a topic. */
const writers = (topic: string) => [
  ...new Set(
    kafkaAccessPlan(contracts, { sites: ['berlin'] })
      .bindings.filter((binding) => binding.resourceName === topic && binding.operation === 'WRITE')
      .map((binding) => binding.principal),
  ),
];

describe('the Kafka access plan of the contracts', () => {
  it('lets the energy domain write its product and DLQ and read only its declared upstream', () => {
    const energy = grantsOf(principalNames.domain('energy'));
    expect(energy).toEqual(
      expect.arrayContaining(['WRITE TOPIC:energy.consumption-15m.v1', 'WRITE TOPIC:energy.consumption-15m.v1.dlq', 'READ TOPIC:plant.telemetry.clean.v1', 'READ GROUP:energy.*']),
    );
    expect(energy.filter((grant) => grant.startsWith('WRITE')).sort()).toEqual([
      'WRITE TOPIC:_fieldmesh.checkpoints.energy.*',
      'WRITE TOPIC:_fieldmesh.lineage',
      'WRITE TOPIC:energy.consumption-15m.v1',
      'WRITE TOPIC:energy.consumption-15m.v1.dlq',
      'WRITE TOPIC:plant.telemetry.clean.v1.dlq',
      'WRITE TRANSACTIONAL_ID:energy.*',
    ]);
    expect(energy.filter((grant) => grant.startsWith('READ TOPIC'))).toEqual([
      'READ TOPIC:energy.consumption-15m.v1',
      'READ TOPIC:plant.telemetry.clean.v1',
      'READ TOPIC:_fieldmesh.checkpoints.energy.*',
    ]);
  });

  it("lets a site gateway write the source products (raw telemetry, plant events) and their DLQs and its answers to operators' commands, and read only those commands", () => {
    const gateway = grantsOf(principalNames.gateway('berlin'));
    expect(gateway.filter((grant) => grant.startsWith('WRITE')).sort()).toEqual([
      'WRITE TOPIC:_fieldmesh.gateway-replies',
      'WRITE TOPIC:_fieldmesh.lineage',
      'WRITE TOPIC:plant.telemetry.events.v1',
      'WRITE TOPIC:plant.telemetry.events.v1.dlq',
      'WRITE TOPIC:plant.telemetry.raw.v1',
      'WRITE TOPIC:plant.telemetry.raw.v1.dlq',
      'WRITE TOPIC:plant.telemetry.raw.v2',
      'WRITE TOPIC:plant.telemetry.raw.v2.dlq',
    ]);
    expect(gateway.filter((grant) => grant.startsWith('READ'))).toEqual([
      'READ TOPIC:_fieldmesh.gateway-commands',
      'READ GROUP:fieldmesh-gateway-commands.*',
      'READ TOPIC:_fieldmesh.gateway-desired-state',
      'READ GROUP:fieldmesh-gateway-desired-state.*',
    ]);
  });

  it('lets the fleet operator alone write desired states and the rollout audit trail, and read the heartbeats', () => {
    expect(writers('_fieldmesh.gateway-desired-state')).toEqual([`User:${principalNames.fleet}`]);
    expect(writers('_fieldmesh.fleet-rollouts')).toEqual([`User:${principalNames.fleet}`]);
    expect(grantsOf(principalNames.fleet)).toEqual(expect.arrayContaining(['READ TOPIC:_fieldmesh.gateway-replies', 'READ GROUP:fieldmesh-fleet*']));
  });

  it('gives writes to _schemas and the contract audit log to the registry alone', () => {
    expect(writers('_schemas')).toEqual([`User:${principalNames.registry}`]);
    expect(writers('_fieldmesh.contract-audit')).toEqual([`User:${principalNames.registry}`]);
  });

  it("lets the console read products and write only the alert workflow the alerts contract opens to it and operators' commands to gateways, and the SLO monitor write only its own output", () => {
    const consoleGrants = grantsOf(principalNames.console);
    expect(consoleGrants).toEqual(
      expect.arrayContaining(['READ TOPIC:plant.telemetry.clean.v1', 'READ TOPIC:_fieldmesh.slo', 'READ TOPIC:_fieldmesh.gateway-replies', 'READ GROUP:fieldmesh-console-*']),
    );
    expect(consoleGrants.filter((grant) => /^(WRITE|CREATE|IDEMPOTENT_WRITE) /.test(grant)).sort()).toEqual([
      'CREATE TOPIC:_fieldmesh.fleet-rollouts',
      'CREATE TOPIC:_fieldmesh.gateway-replies',
      'WRITE TOPIC:_fieldmesh.gateway-commands',
      'WRITE TOPIC:asset-health.alerts.v1',
    ]);
    const slo = grantsOf(principalNames.slo);
    expect(slo).toEqual(expect.arrayContaining(['READ TOPIC:plant.telemetry.raw.v1', 'READ TOPIC:energy.consumption-15m.v1', 'READ GROUP:fieldmesh-slo-monitor-*']));
    expect(slo.filter((grant) => /^(WRITE|CREATE) /.test(grant)).sort()).toEqual(['CREATE TOPIC:_fieldmesh.slo', 'WRITE TOPIC:_fieldmesh.slo']);
    const analyst = grantsOf(principalNames.analyst);
    expect(analyst.filter((grant) => !grant.startsWith('READ ') && !grant.startsWith('DESCRIBE '))).toEqual([]);
    expect(analyst).toEqual(expect.arrayContaining(['READ TOPIC:asset-health.alerts.v1', 'READ GROUP:analyst.*']));
  });

  it('reports missing grants and grants of its principals that no contract declares, and leaves other principals alone', () => {
    const plan = kafkaAccessPlan(contracts, { sites: ['berlin'] });
    const [kept, dropped] = [plan.bindings.slice(1), plan.bindings[0]!];
    const stray = { ...dropped, resourceName: 'plant.telemetry.raw.v1', operation: 'WRITE' as const };
    const person = { ...dropped, principal: 'User:olga' };
    expect(aclDrift(plan, [...kept, stray, person])).toEqual({ missing: [dropped], unexpected: [stray] });
  });
});
