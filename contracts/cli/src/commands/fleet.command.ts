import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatProblems, parseWith } from '@fieldmesh/config';
import {
  desiredStatePayloadSchema,
  FLEET_TOPICS,
  type FleetTopics,
  type GatewayHeartbeat,
  type GatewayReply,
  type OperatorKey,
  rollBack,
  rolloutEvents,
  type RolloutResult,
  runRollout,
} from '@fieldmesh/connect';
import { readTopicToEnd } from '@fieldmesh/kafka';
import { parse as parseYaml } from 'yaml';
import { UsageError, type CliCommand, type CliIo, type ParsedArgs } from '../cli.command';
import { CONNECTION_HELP, CONNECTION_OPTIONS, kafkaOf } from '../connection.options';

const TOPIC_OPTIONS = { 'desired-state-topic': { type: 'string' }, 'rollouts-topic': { type: 'string' }, 'replies-topic': { type: 'string' } } as const;
const SIGNING_OPTIONS = { key: { type: 'string' }, cert: { type: 'string' }, 'gate-timeout': { type: 'string' } } as const;

const TOPICS_HELP = `Topics (defaults for a platform; tests use their own):
  --desired-state-topic <name>  ${FLEET_TOPICS.desiredState} (compacted, keyed by gateway id)
  --rollouts-topic <name>       ${FLEET_TOPICS.rollouts} (the audit trail of every step)
  --replies-topic <name>        ${FLEET_TOPICS.replies} (the gateways' heartbeats)`;

const SIGNING_HELP = `Signing and gates:
  --key <file>            the operator's private key, PEM (env FIELDMESH_OPERATOR_KEY)
  --cert <file>           the operator's certificate from the site CA (ca issue --type operator; env FIELDMESH_OPERATOR_CERT)
  --gate-timeout <s>      how long one gateway may take to report its outcome: its health window, a restart
                          and a heartbeat (default 180)`;

function topicsOf(args: ParsedArgs): FleetTopics {
  const pick = (name: string, fallback: string) => (typeof args.values[name] === 'string' ? (args.values[name] as string) : fallback);
  return {
    desiredState: pick('desired-state-topic', FLEET_TOPICS.desiredState),
    rollouts: pick('rollouts-topic', FLEET_TOPICS.rollouts),
    replies: pick('replies-topic', FLEET_TOPICS.replies),
  };
}

async function operatorOf(args: ParsedArgs, io: CliIo): Promise<OperatorKey> {
  const file = (option: 'key' | 'cert', env: string) => {
    const value = args.values[option] ?? io.env[env];
    if (typeof value !== 'string' || value === '')
      throw new UsageError(`--${option} is required (or ${env}): desired states are signed with an operator key the site CA certified`);
    return resolve(io.cwd, value);
  };
  const [keyPem, certificatePem] = await Promise.all([readFile(file('key', 'FIELDMESH_OPERATOR_KEY'), 'utf8'), readFile(file('cert', 'FIELDMESH_OPERATOR_CERT'), 'utf8')]);
  return { keyPem, certificatePem };
}

function gateTimeoutMsOf(args: ParsedArgs): number {
  const value = args.values['gate-timeout'];
  if (value === undefined) return 180_000;
  const seconds = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(seconds) || seconds < 1) throw new UsageError(`--gate-timeout '${String(value)}' must be a whole number of seconds`);
  return seconds * 1000;
}

function gatewayList(text: string, option: string): string[] {
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !/^[a-z0-9][a-z0-9-]*$/.test(id))) throw new UsageError(`${option} '${text}' must be gateway ids separated by commas`);
  return ids;
}

function printResult(result: RolloutResult, io: CliIo): number {
  io.out(`rollout ${result.rolloutId}: ${result.outcome}`);
  for (const [gatewayId, outcome] of Object.entries(result.gateways))
    io.out(`  ${gatewayId.padEnd(24)} v${outcome.version} ${outcome.outcome}${outcome.reason ? `: ${outcome.reason}` : ''}`);
  return result.outcome === 'completed' ? 0 : 1;
}

export const fleetRolloutCommand: CliCommand = {
  group: 'fleet',
  verb: 'rollout',
  summary: 'roll a signed desired state out to gateways: canary first, then waves, each behind its health gates',
  help: `Usage: fieldmesh fleet rollout <desired-state.yaml> --canary <gateway> [--waves <gw,gw,...>]... [options]

Signs the desired state with the operator's key and publishes it for the canary gateway; once the canary's
heartbeat reports it applied (its health gates passed: readings flowing, dead-letter share, buffer depth,
connectors connected), publishes it for each wave in turn. A gateway that fails its gates goes back to
its previous version by itself; the rollout then stops and gives every gateway it changed its state from
before (as a new version). Every step goes to the rollouts topic (the audit trail); progress to stderr.
Exit code 0 when every gateway applied it, 1 when the rollout stopped.

The file holds the parts of gateway.yaml an operator changes from afar: connectors (at least one),
calibration and assets (left out: the gateway's own file's). \${gatewayId} in any value becomes each
gateway's id, e.g. clientId: \${gatewayId}-mqtt.

Options:
  --canary <gateway>      the gateway that gets it first
  --waves <gw,gw,...>     one wave of gateways (repeat for more waves, in order)
  -h, --help              this text

${SIGNING_HELP}

${TOPICS_HELP}

${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, ...SIGNING_OPTIONS, ...TOPIC_OPTIONS, canary: { type: 'string' }, waves: { type: 'string', multiple: true } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const file = resolve(io.cwd, args.positionals[0]!);
    if (typeof args.values.canary !== 'string') throw new UsageError('--canary is required: a rollout reaches one gateway first');
    const canary = gatewayList(args.values.canary, '--canary')[0]!;
    const waves = ((args.values.waves as string[] | undefined) ?? []).map((wave) => gatewayList(wave, '--waves'));
    const all = [canary, ...waves.flat()];
    if (new Set(all).size !== all.length) throw new UsageError(`a gateway is named twice in --canary and --waves (${all.join(', ')})`);
    const config = parseWith(desiredStatePayloadSchema.shape.config.unwrap(), parseYaml(await readFile(file, 'utf8')));
    if (!config.ok) throw new UsageError(`${file} is not a desired state:\n${formatProblems(config.problems)}`);
    const operator = await operatorOf(args, io);
    const { kafka } = kafkaOf(args, io);
    const result = await runRollout({
      kafka,
      operator,
      config: config.value,
      canary,
      waves,
      gateTimeoutMs: gateTimeoutMsOf(args),
      topics: topicsOf(args),
      progress: (line) => io.err(line),
    });
    return printResult(result, io);
  },
};

export const fleetRollbackCommand: CliCommand = {
  group: 'fleet',
  verb: 'rollback',
  summary: 'give every gateway a rollout changed its state from before that rollout again',
  help: `Usage: fieldmesh fleet rollback <rollout-id> [options]

For each gateway the rollout published a state for, publishes the state it had before the rollout (or its
own file's configuration, if it had none) as a new version signed by the operator, and waits for each to
apply it. Every step goes to the rollouts topic. Exit code 0 when every gateway applied it.

${SIGNING_HELP}

${TOPICS_HELP}

${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, ...SIGNING_OPTIONS, ...TOPIC_OPTIONS },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const operator = await operatorOf(args, io);
    const { kafka } = kafkaOf(args, io);
    const result = await rollBack({
      kafka,
      operator,
      rolloutId: args.positionals[0]!,
      gateTimeoutMs: gateTimeoutMsOf(args),
      topics: topicsOf(args),
      progress: (line) => io.err(line),
    });
    return printResult(result, io);
  },
};

export const fleetStatusCommand: CliCommand = {
  group: 'fleet',
  verb: 'status',
  summary: "each gateway's desired-state version and outcome from its last heartbeat, and a rollout's steps",
  help: `Usage: fieldmesh fleet status [--rollout <id>] [--json] [options]

Prints every gateway's last heartbeat: the desired-state version it runs, the last version it received and
what became of it (applying, applied, rolled-back, rejected, with the reason), and the steps of the latest
rollout (or of --rollout <id>) from the audit trail.

Options:
  --rollout <id>     the rollout whose steps to show (default: the latest)
  --json             print {gateways, rollout} as JSON
  -h, --help         this text

${TOPICS_HELP}

${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, ...TOPIC_OPTIONS, rollout: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const topics = topicsOf(args);
    const { kafka } = kafkaOf(args, io);
    io.err(`reading heartbeats from ${topics.replies} and rollouts from ${topics.rollouts}…`);
    const beats = new Map<string, GatewayHeartbeat>();
    for (const record of await readTopicToEnd(kafka, topics.replies, { groupPrefix: 'fieldmesh-fleet', timeoutMs: 120_000 })) {
      const reply = JSON.parse(record.value!.toString()) as GatewayReply;
      if (reply.kind === 'heartbeat') beats.set(reply.gatewayId, reply);
    }
    const events = await rolloutEvents(kafka, topics.rollouts);
    const rolloutId = typeof args.values.rollout === 'string' ? args.values.rollout : events.at(-1)?.rolloutId;
    const steps = events.filter((event) => event.rolloutId === rolloutId).map(({ previous: _previous, ...step }) => step);
    const gateways = [...beats.values()]
      .sort((a, b) => a.gatewayId.localeCompare(b.gatewayId))
      .map((beat) => ({ gatewayId: beat.gatewayId, lastHeartbeat: beat.sentAt, state: beat.state, desiredState: beat.desiredState ?? null }));
    if (args.values.json) {
      io.out(JSON.stringify({ gateways, rollout: rolloutId ? { rolloutId, steps } : null }, null, 2));
      return 0;
    }
    io.out('gateway                   heartbeat                 state     applied  latest');
    for (const gateway of gateways) {
      const latest = gateway.desiredState?.latest;
      io.out(
        `${gateway.gatewayId.padEnd(25)} ${gateway.lastHeartbeat.padEnd(25)} ${gateway.state.padEnd(9)} ${String(gateway.desiredState?.appliedVersion ?? '-').padEnd(8)} ${latest ? `v${latest.version} ${latest.outcome}${latest.reason ? `: ${latest.reason}` : ''}` : '-'}`,
      );
    }
    if (rolloutId) {
      io.out(`\nrollout ${rolloutId} (by ${steps[0]?.by ?? '?'}):`);
      for (const step of steps)
        io.out(`  ${step.at} ${step.step}${step.gatewayId ? ` ${step.gatewayId}` : ''}${step.version ? ` v${step.version}` : ''}${step.detail ? `: ${step.detail}` : ''}`);
    }
    return 0;
  },
};
