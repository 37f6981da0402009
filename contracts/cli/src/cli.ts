import { parseArgs } from 'node:util';
import { TokenNotFound, TokenRequestInvalid, TokenStoreInsecure, TokenStoreInvalid, TokenStoreIoFailed } from '@fieldmesh/auth';
import { ConfigInvalid } from '@fieldmesh/config';
import { ContractInvalid } from '@fieldmesh/governance';
import { LineageDatasetUnknown, LineageReadFailed } from '@fieldmesh/lineage';
import { PredictionsInvalid } from '@fieldmesh/ml';
import { RegistryError } from '@fieldmesh/registry';
import { UsageError, type CliCommand, type CliIo, type ParsedArgs } from './cli.command';
import { calibrationApproveCommand, calibrationProposeCommand } from './commands/calibration.command';
import { contractsAsyncapiCommand } from './commands/contracts-asyncapi.command';
import { contractsBaselineCommand } from './commands/contracts-baseline.command';
import { contractsCheckCommand } from './commands/contracts-check.command';
import { contractsApproveCommand, contractsRejectCommand } from './commands/contracts-decide.command';
import { contractsDiffCommand } from './commands/contracts-diff.command';
import { contractsLintCommand } from './commands/contracts-lint.command';
import { contractsProposeCommand } from './commands/contracts-propose.command';
import { contractsDeprecateCommand, contractsRetireCommand } from './commands/contracts-retire.command';
import { contractsReviewCommand } from './commands/contracts-review.command';
import { contractsStatusCommand } from './commands/contracts-status.command';
import { dataImportCommand } from './commands/data-import.command';
import { fleetRollbackCommand, fleetRolloutCommand, fleetStatusCommand } from './commands/fleet.command';
import { governanceCheckCommand } from './commands/governance-check.command';
import { lineageShowCommand } from './commands/lineage-show.command';
import { modelsEvaluateCommand } from './commands/models-evaluate.command';
import { productsApplyCommand } from './commands/products-apply.command';
import { tokensCreateCommand, tokensListCommand, tokensRotateCommand } from './commands/tokens.command';
import { warehouseRetentionCommand } from './commands/warehouse-retention.command';
import { BaselineContractInvalid, BaselineRevisionUnknown, CalibrationProposalRefused, ContractSchemaNotFound, ContractsApiFailed, ImportInputInvalid } from './errors';

export const CLI_COMMANDS: readonly CliCommand[] = [
  productsApplyCommand,
  governanceCheckCommand,
  warehouseRetentionCommand,
  lineageShowCommand,
  contractsLintCommand,
  contractsDiffCommand,
  contractsCheckCommand,
  contractsProposeCommand,
  contractsReviewCommand,
  contractsApproveCommand,
  contractsRejectCommand,
  contractsStatusCommand,
  contractsDeprecateCommand,
  contractsRetireCommand,
  contractsBaselineCommand,
  contractsAsyncapiCommand,
  tokensCreateCommand,
  tokensListCommand,
  tokensRotateCommand,
  dataImportCommand,
  modelsEvaluateCommand,
  fleetRolloutCommand,
  fleetStatusCommand,
  fleetRollbackCommand,
  calibrationProposeCommand,
  calibrationApproveCommand,
];

function usage(commands: readonly CliCommand[]): string {
  const names = commands.map((c) => `${c.group} ${c.verb}`);
  const width = Math.max(...names.map((n) => n.length));
  return `fieldmesh: data products, governance and lineage for Fieldmesh.

Usage: fieldmesh <command> [options]        (fieldmesh <command> --help for a command's options)

Commands:
${commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`).join('\n')}

Exit codes: 0 success, 1 problems found (drift, lint) or a failure, 2 a wrong command line.`;
}

/** Errors the user can act on are printed as their message alone; anything else with its stack. */
function isExpected(error: unknown): error is Error {
  return [
    UsageError,
    ConfigInvalid,
    ContractInvalid,
    LineageDatasetUnknown,
    LineageReadFailed,
    ContractsApiFailed,
    ContractSchemaNotFound,
    CalibrationProposalRefused,
    BaselineRevisionUnknown,
    BaselineContractInvalid,
    RegistryError,
    TokenRequestInvalid,
    TokenStoreInvalid,
    TokenStoreInsecure,
    TokenStoreIoFailed,
    TokenNotFound,
    ImportInputInvalid,
    PredictionsInvalid,
  ].some((type) => error instanceof type);
}

/** Runs one command line and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = CLI_COMMANDS): Promise<number> {
  const [group, verb] = argv;
  const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');
  if (group === undefined || group === 'help' || ((group === '--help' || group === '-h') && argv.length === 1)) {
    io.out(usage(commands));
    return group === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.group === group && c.verb === verb);
  if (!command) {
    const inGroup = commands.filter((c) => c.group === group);
    if (inGroup.length > 0 && (verb === undefined || wantsHelp([verb]))) {
      io.out(inGroup.map((c) => `fieldmesh ${c.group} ${c.verb}  ${c.summary}`).join('\n'));
      return verb === undefined ? 2 : 0;
    }
    io.err(`unknown command 'fieldmesh ${argv.slice(0, 2).join(' ')}'\n\n${usage(commands)}`);
    return 2;
  }
  const rest = argv.slice(2);
  if (wantsHelp(rest)) {
    io.out(command.help);
    return 0;
  }
  try {
    const parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    const args: ParsedArgs = { values: parsed.values, positionals: parsed.positionals };
    const { min, max } = command.positionals;
    if (args.positionals.length < min || args.positionals.length > max) {
      throw new UsageError(`'fieldmesh ${group} ${verb}' takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.positionals.length}`);
    }
    return await command.run(args, io);
  } catch (error) {
    // parseArgs reports unknown options and missing values with these codes.
    const badArguments = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || badArguments) {
      io.err(`${(error as Error).message}\n\nSee 'fieldmesh ${group} ${verb} --help'.`);
      return 2;
    }
    io.err(isExpected(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
