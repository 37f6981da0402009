import { awaitTopicsListed, compileContractRules, RecordBreaksContract } from '@fieldmesh/governance';
import { TopicFollower } from '@fieldmesh/kafka';
import type { StartContext } from '@fieldmesh/products';
import { alertOutput } from '../anomaly-scores/anomaly.pipeline';
import type { AssetHealthServices } from '../asset-health.services';
import type { AssetHealthSettings } from '../asset-health.settings';
import type { AlertEvent, AlertView } from './alert-event';
import type { AlertCommand } from './alert.service';

/** What the asset-health domain offers besides its topics: the models in use and the alert workflow. */
export interface AssetHealthApi {
  /** The model versions in use per asset class. */
  models(): Record<string, { champion: string; shadow?: string }>;
  /** Alerts, newest first, optionally only those in the given states. */
  alerts(filter?: { status?: AlertView['status'][] }): AlertView[];
  /** Takes a workflow step on an alert (validated) and publishes its event; resolves once Kafka has it. */
  transitionAlert(command: AlertCommand): Promise<AlertEvent>;
  /** Alerts not closed yet, and the events of the alerts topic not folded in: not alert events, or not a legal step when they arrived (another writer's step came first). */
  alertStats(): { openAlerts: number; alertEvents: { undecodable: number; skipped: number } };
}

/** Reading the alerts topic at start: alerts are few (a handful per asset and day), so this is generous. */
const ALERTS_CATCH_UP_MS = 60_000;

/**
 * The alerts topic is the source of truth and others write it too (the console's workflow steps): fold
 * all of it before the operator scores anything (a restart keeps alerts in progress), then keep folding
 * what others write. The operator's own events come back as repeated event ids.
 */
export async function startAlertWorkflow({
  services,
  kafka,
  serdeFor,
  contracts,
  topicOf,
  groupOf,
  config,
  onClose,
}: StartContext<AssetHealthSettings, AssetHealthServices>): Promise<AssetHealthApi> {
  const { alertService, alertFeed, operator } = services;
  const contract = contracts.byId('asset-health.alerts');
  const topic = topicOf('asset-health.alerts');
  const serde = serdeFor(contract);
  const producer = kafka.producer();
  await producer.connect();
  onClose(() => producer.disconnect());
  const writer = await serde.writerFor(topic, contract.avroSchema);
  const rules = compileContractRules(contract);
  // A person's step is refused, not dead-lettered: it copies an alert's fields, which another writer may have put on the topic unchecked.
  const keepsRules = (event: AlertEvent): void => {
    const violations = rules.check(event as unknown as Record<string, unknown>);
    if (violations.length > 0) throw new RecordBreaksContract(rules.contract, topic, 'output', violations, 'asset-health alert workflow');
  };
  let undecodable = 0;
  const follower = new TopicFollower(
    kafka,
    {
      topic,
      groupPrefix: `${groupOf('anomaly-operator')}.alerts`,
      catchUpTimeoutMs: ALERTS_CATCH_UP_MS,
      // Provisioned with the products (when asked to); the broker may take a moment to list it.
      ...(config.provision ? { ensureTopic: (admin, name) => awaitTopicsListed(admin, [name]) } : {}),
    },
    async (record) => {
      if (!record.value) return;
      try {
        alertService.replay((await serde.decode<AlertEvent>(record.value, { topic })).value);
      } catch (error) {
        undecodable += 1;
        console.warn(
          `asset-health: skipped record ${record.partition}/${record.offset} of ${topic}: not an alert event (${error instanceof Error ? error.message : String(error)}); the alerts contract's schema is the only one allowed there`,
        );
      }
    },
  );
  onClose(() => follower.stop());
  await follower.start();
  await follower.caughtUp;
  alertFeed.follow(follower);
  return {
    models: () => operator.models(),
    alerts: (filter) => alertService.list(filter),
    transitionAlert: async (command) => {
      const event = alertService.apply(command, keepsRules);
      const output = alertOutput(topic, event);
      await producer.send([{ topic: output.topic, key: output.key, value: serde.encode(writer, event), ...(output.timestamp ? { timestamp: output.timestamp } : {}) }]);
      return event;
    },
    alertStats: () => ({
      openAlerts: alertService.list().filter((alert) => alert.status !== 'CLOSED').length,
      alertEvents: { undecodable, skipped: alertService.stats().skipped },
    }),
  };
}
