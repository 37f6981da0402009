import { z } from 'zod';

/**
 * The topic operators' commands to gateways travel on, keyed by gateway id. The console writes it (Kafka ACL:
 * the console principal alone may write), each gateway reads it in a group of its own and acts only on the
 * commands addressed to it; the records are the audit trail of who asked what, when. Kafka rather than an
 * HTTP endpoint on each gateway: a site's gateway only dials out (to Kafka), so a command reaches it behind
 * the site firewall and waits in the topic while its uplink is down, instead of failing at the console.
 */
export const GATEWAY_COMMANDS_TOPIC = '_fieldmesh.gateway-commands';

/**
 * How the commands topic is made, by whoever makes it (a gateway on a development stack, the Helm chart's KafkaTopic
 * in a cluster): one partition keeps commands in the order operators gave them; kept 30 days as the audit trail.
 */
export const GATEWAY_COMMANDS_TOPIC_LAYOUT: { partitions: number; configs: Record<string, string> } = {
  partitions: 1,
  configs: { 'retention.ms': String(30 * 24 * 3_600_000) },
};

/** An operator's acknowledgement of an alarm condition, to be written back through the source (OPC UA Acknowledge). */
export const acknowledgeConditionCommandSchema = z.strictObject({
  type: z.literal('acknowledge-condition'),
  commandId: z.uuid().describe('Identifies the command in logs and the audit trail.'),
  gatewayId: z.string().min(1).describe('The gateway that read the condition event (plant.telemetry.events.v1 gatewayId).'),
  connector: z.string().min(1).describe('Its connector instance (plant.telemetry.events.v1 connector).'),
  conditionId: z.string().min(1).describe('Node id of the condition.'),
  eventId: z
    .string()
    .regex(/^([0-9a-f]{2})+$/, 'must be the EventId as lower-case hex, as plant.telemetry.events.v1 carries it')
    .describe('The condition event being acknowledged.'),
  comment: z.string().trim().min(1, "an acknowledgement needs the operator's comment").max(1000).describe("The operator's comment, recorded on the condition."),
  requestedBy: z.string().min(1).describe('The operator (console principal) who acknowledged.'),
  requestedAt: z.iso.datetime().describe('When the console accepted the request.'),
});

export type AcknowledgeConditionCommand = z.output<typeof acknowledgeConditionCommandSchema>;
