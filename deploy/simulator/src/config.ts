import { loadConfig } from '@fieldmesh/config';
import { z } from 'zod';
import { FAILURE_MODES } from './failure.modes';
import { DEFAULT_ALARM_LIMITS, SECURITY_MODES, SECURITY_POLICIES } from './opcua.server';
import { ASSET_CLASSES, SIGNAL_NAMES } from './signal.catalog';

export const failureScheduleEntry = z.strictObject({
  asset: z.string().min(1).describe('ISA-95 asset path, or its unique tail such as `line-1/pump-1`').meta({ example: 'acme/berlin/press-shop/line-1/pump-1' }),
  mode: z.enum(FAILURE_MODES),
  signal: z.enum(SIGNAL_NAMES).optional().describe('The faulty sensor, for stuck_sensor, drifting_sensor, spikes and dropout'),
  at: z.number().nonnegative().describe('Onset in simulated seconds after the start'),
  duration: z.number().positive().describe('Length of the episode in simulated seconds'),
  severity: z
    .number()
    .positive()
    .max(2)
    .optional()
    .describe('How strong the failure is against the modelled one (1, the default): its effects on the physics and the sensors scale with it')
    .meta({ example: 0.5 }),
});

export const failureSchedule = z.array(failureScheduleEntry);

const opcuaConfig = z.strictObject({
  port: z.number().int().min(0).max(65535).default(0).describe('TCP port on 127.0.0.1; 0 picks a free one'),
  securityPolicies: z
    .array(z.enum(SECURITY_POLICIES))
    .min(1)
    .default([...SECURITY_POLICIES]),
  securityModes: z
    .array(z.enum(SECURITY_MODES))
    .min(1)
    .default([...SECURITY_MODES]),
  allowAnonymous: z.boolean().default(true),
  users: z.array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) })).default([]),
  trustAllClients: z.boolean().default(true).describe('Accept any client certificate (a test peer); false trusts only pki/trusted'),
  trustedClientCertificates: z.array(z.string().min(1)).default([]).describe("Client certificate files (PEM or DER) added to pki/trusted at start, e.g. the gateway's"),
  alarms: z
    .partialRecord(
      z.enum(SIGNAL_NAMES),
      z.strictObject({ high: z.number(), highHigh: z.number() }).refine((limits) => limits.highHigh > limits.high, { message: 'highHigh must be above high', path: ['highHigh'] }),
    )
    .default(DEFAULT_ALARM_LIMITS)
    .describe('OPC UA exclusive limit alarms (Alarms & Conditions) per signal, on every asset that measures it, in the signal unit'),
});

export const replayConfig = z.strictObject({
  csv: z.string().min(1).describe('CSV file: a timestamp column and one column per signal'),
  mapping: z.string().min(1).describe('YAML mapping naming asset and signal per column'),
  historical: z.boolean().default(false).describe('Mark replayed readings as historical (Sparkplug is_historical)'),
});

export const simulatorConfig = z
  .strictObject({
    seed: z.number().int().default(42),
    startTimeMs: z.number().int().nonnegative().optional().describe('Simulated clock at the start; defaults to now'),
    plant: z
      .strictObject({
        enterprise: z.string().min(1).default('acme'),
        sites: z
          .array(z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'))
          .min(1)
          .default(['berlin']),
        area: z.string().min(1).default('press-shop'),
        linesPerSite: z.number().int().min(1).max(100).default(2),
        assetClasses: z
          .array(z.enum(ASSET_CLASSES))
          .min(1)
          .default([...ASSET_CLASSES]),
      })
      .prefault({}),
    rate: z.number().positive().max(1000).default(1).describe('Samples per second of every signal, in simulated time'),
    speed: z.number().positive().default(1).describe('Simulated seconds per wall-clock second'),
    maxLeadSeconds: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        'How far the simulated clock may run ahead of the wall clock: once it would pass it, the plant runs at real time (speed 1) ' +
          "so that its readings stay within a consumer's maximum clock skew (contracts' timeliness.maxClockSkew). Set it below the skew, " +
          'e.g. the skew minus 30 s. No limit when absent.',
      )
      .meta({ examples: [270] }),
    durationSeconds: z.number().positive().optional().describe('Stop after this much simulated time; runs until stopped when absent'),
    mqtt: z
      .strictObject({
        url: z.string().regex(/^mqtts?:\/\//, 'an mqtt:// or mqtts:// URL'),
        username: z.string().optional(),
        password: z.string().optional(),
        clientIdPrefix: z.string().min(1).default('fieldmesh-simulator'),
        sparkplugMaxMetricsPerMessage: z.number().int().positive().default(500),
        tls: z
          .strictObject({
            caFile: z.string().min(1).describe("PEM of the site CA: it signed the broker certificate and the devices'"),
            identitiesDir: z
              .string()
              .min(1)
              .describe('Per device <id>.crt and <id>.key (ids from mqttDeviceIdentities): each asset and each Sparkplug edge node connects with its own certificate'),
          })
          .optional()
          .describe('mqtts:// with one client certificate per device (device onboarding); one shared session when absent'),
      })
      .optional(),
    json: z.boolean().default(false).describe('Publish MQTT JSON on the ISA-95 topic tree'),
    sparkplug: z.boolean().default(false).describe('Publish MQTT Sparkplug B'),
    opcua: opcuaConfig.optional().describe('Run the OPC UA server when present'),
    stateDir: z.string().min(1).default('.fieldmesh/simulator').describe('PKI folder and default label files live here'),
    failures: failureSchedule.default([]),
    labels: z.strictObject({ jsonl: z.string().optional(), csv: z.string().optional() }).optional().describe('Label files; default <stateDir>/labels.jsonl'),
    replay: replayConfig.optional().describe('Replay a recorded plant instead of simulating one'),
  })
  .superRefine((config, context) => {
    if ((config.json || config.sparkplug) && !config.mqtt) {
      context.addIssue({ code: 'custom', path: ['mqtt', 'url'], message: 'required when json or sparkplug output is on' });
    }
    if (config.mqtt?.tls && !config.mqtt.url.startsWith('mqtts://')) {
      context.addIssue({ code: 'custom', path: ['mqtt', 'url'], message: 'must be an mqtts:// URL when mqtt.tls gives device certificates' });
    }
  });

export type SimulatorConfigInput = z.input<typeof simulatorConfig>;
export type SimulatorConfig = z.output<typeof simulatorConfig>;
export type FailureScheduleEntry = z.output<typeof failureScheduleEntry>;

export function parseSimulatorConfig(input: unknown, source = 'simulator config'): SimulatorConfig {
  return loadConfig(simulatorConfig, input, source);
}
