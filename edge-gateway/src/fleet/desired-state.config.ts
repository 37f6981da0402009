import { GATEWAY_DESIRED_STATE_TOPIC } from '@fieldmesh/connect';
import { z } from 'zod';

/** The health gates a new desired state must pass within its window, or the gateway goes back to the version before. */
export const healthGatesSchema = z.strictObject({
  windowSeconds: z.number().int().min(1).max(3600).default(60).describe('How long a new version has to show it is healthy; the gates are judged at its end'),
  minReadings: z.number().int().min(0).default(1).describe('Readings the new version must accept within the window (readings flowing); 0 turns the gate off'),
  maxDeadLetterRatio: z.number().min(0).max(1).default(0.05).describe("Share of the window's messages that may go to the DLQ"),
  maxPendingRecords: z.number().int().positive().default(100_000).describe('Records the disk buffer may hold unforwarded at the end of the window'),
  requireConnected: z.boolean().default(true).describe('Every connector must be connected at the end of the window'),
  maxCpuShare: z.number().positive().optional().describe("The gateway process's CPU time over the window, as a share of one core (1 = a whole core); no bound when absent"),
  maxMemoryMiB: z.number().int().positive().optional().describe("The gateway process's resident memory at the end of the window, in MiB; no bound when absent"),
});
export type HealthGates = z.output<typeof healthGatesSchema>;

export const desiredStateConfigSchema = z
  .strictObject({
    topic: z.string().min(1).default(GATEWAY_DESIRED_STATE_TOPIC).describe('Compacted Kafka topic of desired states, keyed by gateway id'),
    siteCaFile: z
      .string()
      .min(1)
      .describe('The site CA certificate (PEM): only a desired state signed by an operator certificate it issued is applied')
      .meta({ examples: ['/srv/fieldmesh/ca/ca.crt.pem'] }),
    gates: healthGatesSchema.default({ windowSeconds: 60, minReadings: 1, maxDeadLetterRatio: 0.05, maxPendingRecords: 100_000, requireConnected: true }),
  })
  .optional()
  .describe(
    'Follow the desired state operators publish for this gateway (connectors, calibration, assets; `fieldmesh fleet rollout`): verify its signature, apply it, and go back to the previous version by itself when it fails its health gates; off when absent',
  );
