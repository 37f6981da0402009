export interface MosquittoConfigInput {
  port: number;
  dataDir: string;
  /** The account mosquitto keeps when started as root (it would otherwise switch to `mosquitto`, which cannot write our data folder). */
  user: string;
}

/**
 * One plain listener on 127.0.0.1 with anonymous access: enough for connector tests. TLS with client
 * certificates will be a second listener here, beside this one.
 */
export function mosquittoConfig(input: MosquittoConfigInput): string {
  return [
    `user ${input.user}`,
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${input.dataDir.endsWith('/') ? input.dataDir : `${input.dataDir}/`}`,
    // stdout is appended to logs/mosquitto.log by the supervisor.
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    'log_timestamp_format %Y-%m-%dT%H:%M:%S',
    '',
    `listener ${input.port} 127.0.0.1`,
    'protocol mqtt',
    '',
  ].join('\n');
}
