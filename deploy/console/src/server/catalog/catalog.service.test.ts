import { loadAllContracts } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import { objectivesOf, SloEvaluator } from '@fieldmesh/slo';
import { REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, it } from 'vitest';
import type { SloState } from '../../api/types';
import { pageRequest } from '../http/pagination';
import type { RegistryGateway } from '../reviews/registry.gateway';
import { productState, SloBoard } from '../slo/slo.board';
import { CatalogService } from './catalog.service';
import type { ThroughputSampler } from './throughput.sampler';

const START = Date.parse('2026-01-01T00:00:00Z');

/**
 * The catalog's SLO column over the real SLO evaluator (as the console shows it beside a monitor), for the
 * repository's contracts. The board is never started: with a monitor it reads status from it, not Kafka;
 * the registry, throughput and warehouse are not used by the list.
 */
async function catalogBesideMonitor() {
  const contracts = await loadAllContracts(REPO_ROOT);
  const clock = { ms: START, now: () => clock.ms };
  const evaluator = new SloEvaluator({ products: contracts.map((loaded) => objectivesOf(loaded.contract)), clock });
  const board = new SloBoard({} as KafkaPort, '_fieldmesh.slo', () => evaluator.status());
  const catalog = new CatalogService([REPO_ROOT], board, {} as RegistryGateway, {} as ThroughputSampler, undefined, {
    kafkaBrokers: '127.0.0.1:9092',
    registryUrl: 'http://127.0.0.1:8081',
  });
  const states = async () => {
    const page = await catalog.list(pageRequest({ pageSize: '200' }), {});
    return Object.fromEntries(page.items.map((item) => [item.id, item.sloState]));
  };
  /** Every product but the named ones publishes a record now; then the monitor ticks. */
  const publishExcept = (...silent: string[]) => {
    for (const { contract } of contracts) {
      if (!silent.includes(contract.id)) evaluator.record({ topic: contract.kafka.topic, key: 'acme/berlin/press-shop/line-1/pump-1', timestampMs: clock.ms });
    }
    evaluator.evaluate();
  };
  return { contracts, clock, states, publishExcept };
}

describe('catalog SLO state', () => {
  it('shows ok for a product whose freshness is ok while its completeness has nothing to judge yet', async () => {
    const { contracts, states, publishExcept } = await catalogBesideMonitor();
    publishExcept('asset-health.alerts');
    const byId = await states();
    expect(Object.keys(byId).sort()).toEqual(contracts.map((c) => c.contract.id).sort());
    // Completeness is unknown everywhere (no expected rates): it must not hide that they are fresh. Event-driven
    // products (alerts, plant events) are not judged by the age of their newest record: unknown, published or not.
    const eventDriven = contracts.filter((c) => c.contract.slos.freshness?.basis === 'event-driven').map((c) => c.contract.id);
    expect(eventDriven.sort()).toEqual(['asset-health.alerts', 'plant-telemetry.events']);
    expect(byId).toEqual(Object.fromEntries(contracts.map((c) => [c.contract.id, eventDriven.includes(c.contract.id) ? 'unknown' : 'ok'])));
  });

  it('shows a stale product breached, and an event-driven one still unknown after an hour without events', async () => {
    const { clock, states, publishExcept } = await catalogBesideMonitor();
    publishExcept('asset-health.alerts');
    clock.ms += 3_600_000;
    publishExcept('asset-health.alerts', 'plant-telemetry.clean');
    expect(await states()).toMatchObject({ 'plant-telemetry.clean': 'breached', 'plant-telemetry.raw': 'ok', 'asset-health.alerts': 'unknown' });
  });

  it('is breached if any SLO of any scope is, ok if one is judged ok, unknown only when none is judged', () => {
    const cases: [SloState[], SloState][] = [
      [['ok', 'unknown', 'breached'], 'breached'],
      [['unknown', 'ok'], 'ok'],
      [['ok', 'ok'], 'ok'],
      [['unknown', 'unknown'], 'unknown'],
      [[], 'unknown'],
    ];
    for (const [states, expected] of cases) expect({ states, state: productState(states) }).toEqual({ states, state: expected });
  });
});
