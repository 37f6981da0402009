export { USAGE, parseCli, type CliCommand } from './cli.options';
export { followLogs } from './log.follower';
export { runMainJob, type MainJobOptions } from './main-job/main-job';
export { reconcile, type MainJobReport } from './main-job/report';
export type { Output } from './command.output';
export { down, logs, start, status, up } from './stack.commands';
export { formatStatus } from './stack.printer';
// The plant's gateway configuration lives with the pipeline; e2e and bench take it from here.
export { gatewayConfigFor, type GatewayPeers, prepareSecureOpcuaLink } from '@fieldmesh/pipeline';
