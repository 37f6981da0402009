export { UsageError, type CliCommand, type CliIo, type ParsedArgs } from './cli.command';
export { CLI_COMMANDS, runCli } from './cli';
