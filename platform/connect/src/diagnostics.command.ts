import { z } from 'zod';
import { acknowledgeConditionCommandSchema } from './condition.command';

/** What every operator's command carries: who asked the gateway what, when (the audit trail). */
const commandEnvelope = {
  commandId: z.uuid().describe('Identifies the command in logs, its answer and the audit trail.'),
  gatewayId: z.string().min(1).describe('The gateway addressed (the record key too).'),
  requestedBy: z.string().min(1).describe('The operator (console principal) who asked.'),
  requestedAt: z.iso.datetime().describe('When the console accepted the request.'),
};

/** The diagnostics a gateway answers, by command type; what each answer's `answer` holds is in GatewayAnswer. */
export const DIAGNOSTIC_COMMAND_TYPES = ['health', 'metrics-snapshot', 'log-tail', 'effective-config', 'buffer-state', 'reconnect-connector'] as const;
export type DiagnosticCommandType = (typeof DIAGNOSTIC_COMMAND_TYPES)[number];

/** The most log lines one answer carries (the gateway keeps this many). */
export const MAX_LOG_TAIL_LINES = 1000;

export const diagnosticCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('health'), ...commandEnvelope }),
  z.strictObject({ type: z.literal('metrics-snapshot'), ...commandEnvelope }),
  z.strictObject({
    type: z.literal('log-tail'),
    ...commandEnvelope,
    lines: z.number().int().min(1).max(MAX_LOG_TAIL_LINES).default(100).describe("How many of the gateway's last log lines."),
  }),
  z.strictObject({ type: z.literal('effective-config'), ...commandEnvelope }),
  z.strictObject({ type: z.literal('buffer-state'), ...commandEnvelope }),
  z.strictObject({
    type: z.literal('reconnect-connector'),
    ...commandEnvelope,
    connector: z.string().min(1).describe('The connector instance to drop and connect again (its name in the gateway config).'),
  }),
]);

export type DiagnosticCommand = z.output<typeof diagnosticCommandSchema>;

/** Every command a gateway takes from `_fieldmesh.gateway-commands`. */
export const gatewayCommandSchema = z.discriminatedUnion('type', [acknowledgeConditionCommandSchema, ...diagnosticCommandSchema.options]);
export type GatewayCommand = z.output<typeof gatewayCommandSchema>;
