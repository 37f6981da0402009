import { parseWith } from '@fieldmesh/config';
import { z } from 'zod';
import { StreamJobConfigInvalid } from './errors';

/** The plain-data options of a stream job; clients, serde and handler are passed alongside. */
export const streamJobSettingsSchema = z.strictObject({
  name: z.string().min(1, 'must name the job, e.g. plant-telemetry-clean').describe('Job name in logs, stats and lineage'),
  groupId: z.string().min(1, 'must name the consumer group').describe('Consumer group; commits and checkpoints live under it'),
  inputs: z.array(z.string().min(1)).min(1, 'must list at least one input topic').describe('Topics consumed'),
  outputTopics: z.array(z.string().min(1)).describe('Topics the handler may produce to (keys of outputs)'),
  maxBatchRecords: z.number().int().min(1).max(100_000).default(2_000).describe('Upper bound on records per handler call'),
  maxWaitMs: z.number().int().min(0).max(60_000).default(100).describe('How long a fetch waits to fill a batch'),
  sessionTimeoutMs: z.number().int().min(6_000).max(300_000).default(30_000).describe('How long the group waits for a silent member (a killed job) before its partitions move'),
});

export type StreamJobSettings = z.output<typeof streamJobSettingsSchema>;

export function parseStreamJobSettings(input: unknown): StreamJobSettings {
  const result = parseWith(streamJobSettingsSchema, input);
  if (!result.ok) {
    const name = (input as { name?: unknown } | null)?.name;
    throw new StreamJobConfigInvalid(typeof name === 'string' && name !== '' ? name : '(unnamed)', result.problems);
  }
  return result.value;
}
