export interface MosquittoConfigInput {
  port: number;
  dataDir: string;
  logFile: string;
  /** The account mosquitto keeps when started as root (it would otherwise switch to `mosquitto`, which cannot write our data folder). */
  user: string;
  /** A second listener that admits only clients with a certificate from `cafile` (device onboarding). */
  tls?: MosquittoTlsListenerInput;
  /**
   * false: no plain listener at all, only the TLS one (which then needs `tls`): nothing anonymous, nothing
   * in clear text. Default true, for connector tests.
   */
  plainListener?: boolean;
  /**
   * Where the log goes instead of logFile, at debug level too, with every subscription: Mosquitto 2.0 logs a
   * publish its ACL refuses only at debug level (see startMosquitto's logRefusals, which filters this).
   */
  debugLogFile?: string;
}

export interface MosquittoTlsListenerInput {
  port: number;
  /** PEM of the CA whose client certificates are accepted (and which signed the broker's certificate). */
  cafile: string;
  certfile: string;
  keyfile: string;
  /** PEM CRL of that CA; re-read on SIGHUP, so a revoked client is refused from its next connection on. */
  crlfile?: string;
  /** Mosquitto ACL file for this listener; usernames in it are certificate CNs. */
  aclFile?: string;
}

function tlsListener(tls: MosquittoTlsListenerInput): string[] {
  return [
    `listener ${tls.port} 127.0.0.1`,
    'protocol mqtt',
    `cafile ${tls.cafile}`,
    `certfile ${tls.certfile}`,
    `keyfile ${tls.keyfile}`,
    ...(tls.crlfile ? [`crlfile ${tls.crlfile}`] : []),
    'require_certificate true',
    // The certificate's CN becomes the username, so ACLs can name devices without passwords.
    'use_identity_as_username true',
    'tls_version tlsv1.2',
    'allow_anonymous false',
    ...(tls.aclFile ? [`acl_file ${tls.aclFile}`] : []),
    '',
  ];
}

/**
 * One plain listener on 127.0.0.1 with anonymous access: enough for connector tests. With `tls`, a second
 * listener requires client certificates; settings are then per listener so that its ACL and its refusal
 * of anonymous clients leave the plain listener as it was. With `plainListener: false` the TLS listener is
 * the only one (the main job's plant broker).
 */
export function mosquittoConfig(input: MosquittoConfigInput): string {
  if (input.plainListener === false && !input.tls) throw new Error('mosquittoConfig: plainListener false needs a tls listener, or the broker would listen nowhere');
  const plainListener = input.plainListener === false ? [] : [`listener ${input.port} 127.0.0.1`, 'protocol mqtt', ...(input.tls ? ['allow_anonymous true'] : []), ''];
  return [
    `user ${input.user}`,
    ...(input.tls ? ['per_listener_settings true'] : ['per_listener_settings false', 'allow_anonymous true']),
    'persistence true',
    // A gateway that is down (or restarting after a crash) keeps its persistent session: the broker must
    // queue what the plant publishes meanwhile, far beyond mosquitto's default of 1000 messages per client.
    'max_queued_messages 2000000',
    // Mosquitto writes sessions and queued messages to disk only on autosave or a clean shutdown (default every
    // 30 min): after a crash (kill -9, power cut) a gateway's persistent session would be gone, and what the plant
    // publishes before the gateway resubscribes would be acknowledged and dropped. Saving every second bounds that.
    'autosave_interval 1',
    `persistence_location ${input.dataDir.endsWith('/') ? input.dataDir : `${input.dataDir}/`}`,
    // Into the file the supervisor appends stdout to: mosquitto flushes its log file per line, its stdout
    // only when the buffer fills, so `logs -f` would lag.
    `log_dest file ${input.debugLogFile ?? input.logFile}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    ...(input.debugLogFile ? ['log_type subscribe', 'log_type debug'] : []),
    'connection_messages true',
    'log_timestamp_format %Y-%m-%dT%H:%M:%S',
    '',
    ...plainListener,
    ...(input.tls ? tlsListener(input.tls) : []),
  ].join('\n');
}
