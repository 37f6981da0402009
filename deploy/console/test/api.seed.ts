import type { ClickHouseClient } from '@clickhouse/client';
import { AlertService } from '@fieldmesh/domain-asset-health/alert-workflow';
import { awaitTopicsListed, type LoadedContract, topicSpecFor } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { planTable, probeCapabilities, provisionTable, quoteIdentifier } from '@fieldmesh/warehouse';

/** The seeded alert's evidence, as the anomaly operator would have written it. */
export const SEEDED_EVIDENCE = {
  score: 14.5,
  threshold: 6.1,
  contributors: ['vibration_rms.mean', 'bearing_temperature.max'],
  model: { name: 'asset-health-pump', version: '1.0.0' },
};

/**
 * The seeded alert's onset: two hours ago, on a minute. Not a fixed date: the alert event carries its time, and
 * the broker deletes records older than the alerts topic's retention (P30D) at its next retention check, which
 * can fall between seeding and the console reading the topic.
 */
export const SEEDED_ONSET = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000);

/** Readings every 30 s from 10 min before the onset: vibration 1.0, 1.1, … 3.9 mm/s. */
export const SEEDED_READINGS = 30;

/**
 * An alert opened by the anomaly operator, as it writes it: an OPENED AlertEvent on the alerts topic
 * (created from the alerts contract). Returns its id.
 */
export async function seedAlert(options: { brokers: string; serde: AvroSerde; topic: string; contract: LoadedContract; assetPath: string; onset: Date }): Promise<string> {
  const event = new AlertService().open({
    assetPath: options.assetPath,
    assetClass: 'pump',
    onset: options.onset,
    at: new Date(options.onset.getTime() + 20_000),
    by: 'system:asset-health',
    score: SEEDED_EVIDENCE.score,
    threshold: SEEDED_EVIDENCE.threshold,
    modelName: SEEDED_EVIDENCE.model.name,
    modelVersion: SEEDED_EVIDENCE.model.version,
    contributors: SEEDED_EVIDENCE.contributors,
  });
  const kafka = createKafka({ clientId: 'console-test', brokers: [options.brokers] });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([{ ...topicSpecFor(options.contract.contract), topic: options.topic }]);
  await awaitTopicsListed(admin, [options.topic]);
  await admin.disconnect();
  const writer = await options.serde.writerFor(options.topic, options.contract.avroSchema);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send([{ topic: options.topic, key: event.assetPath, value: options.serde.encode(writer, event), timestamp: event.at.getTime() }]);
  await producer.disconnect();
  return event.alertId;
}

/** The sink's table of the clean telemetry, in `database`, with SEEDED_READINGS of the asset's vibration around the onset. */
export async function seedSignals(client: ClickHouseClient, options: { database: string; contract: LoadedContract; assetPath: string; onset: Date }): Promise<void> {
  const plan = planTable(options.contract, await probeCapabilities(client), { database: options.database });
  await provisionTable(client, plan);
  const rows = Array.from({ length: SEEDED_READINGS }, (_, i) => {
    const seconds = Math.floor(options.onset.getTime() / 1000) - 600 + i * 30;
    return `(toDateTime(${seconds}), '${options.assetPath}', 'vibration_rms', ${(1 + i / 10).toFixed(2)}, 'mm/s')`;
  });
  const columns = ['readingTime', 'assetPath', 'signal', 'value', 'unit'].map(quoteIdentifier).join(', ');
  await client.command({ query: `INSERT INTO ${quoteIdentifier(options.database)}.${quoteIdentifier(plan.table)} (${columns}) VALUES ${rows.join(', ')}` });
}
