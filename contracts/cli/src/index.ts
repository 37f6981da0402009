export { UsageError, type CliCommand, type CliIo, type ParsedArgs } from './cli.command';
export { cliCommands, runCli, type CliOptions } from './cli';
