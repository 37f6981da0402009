export { USAGE, parseCli, type CliCommand } from './cli.options';
export { followLogs } from './log.follower';
export { down, logs, start, status, up, type Output } from './stack.commands';
export { formatStatus } from './stack.printer';
export { gatewayConfigFor, type GatewayPeers } from './plant-gateway.config';
