import { NotConnected } from '@fieldmesh/connect';

/**
 * The server presented a certificate that is not in the trust list, so the secure channel was refused
 * (no silent auto-accept). It is a NotConnected: the gateway keeps retrying with backoff, and the
 * connection comes up by itself once an operator trusts the certificate.
 */
export class ServerCertificateUntrusted extends NotConnected {
  readonly reason = 'ServerCertificateUntrusted';
  constructor(
    connector: string,
    endpoint: string,
    readonly thumbprint: string,
    readonly subject: string,
    readonly rejectedFile: string | undefined,
    readonly trustedDir: string,
    readonly pkiDir: string,
    options?: { cause?: unknown },
  ) {
    super(connector, endpoint, options);
    const move = rejectedFile ? `move ${rejectedFile} to ${trustedDir}/` : `copy the server certificate into ${trustedDir}/`;
    this.message =
      `server certificate ${thumbprint} (${subject}) of ${endpoint} is not trusted, so ${connector} refused the secure channel. ` +
      `If this is your server, ${move} or run \`npx tsx connectors/opcua/src/trust-server.cli.ts --pki ${pkiDir} --thumbprint ${thumbprint} ${endpoint}\` ` +
      '(trustServerCertificate() in code); the gateway retries with backoff and connects once it is trusted.';
  }
}

/** The server offers no endpoint with the configured security mode and policy. */
export class SecurityNotOffered extends Error {
  override readonly name = 'SecurityNotOffered';
  constructor(
    readonly endpoint: string,
    readonly securityMode: string,
    readonly securityPolicy: string,
    readonly offered: string[],
    options?: { cause?: unknown },
  ) {
    super(
      `${endpoint} offers no endpoint with securityMode ${securityMode} and securityPolicy ${securityPolicy}; ` +
        `it offers ${offered.join(', ') || 'none'}. Set securityMode/securityPolicy to one of those or enable the pair on the server.`,
      options,
    );
  }
}

/** The server refused the session's user token (wrong password, unknown or untrusted user certificate). */
export class UserIdentityRejected extends Error {
  override readonly name = 'UserIdentityRejected';
  constructor(
    readonly endpoint: string,
    readonly tokenType: string,
    readonly statusName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${endpoint} rejected the ${tokenType} user token (${statusName}). Check userIdentity in the connector config ` +
        '(user name and password, or that the server trusts the user certificate); retrying with the same token would fail again.',
      options,
    );
  }
}

/** A file named by the config (user certificate, key or password file) cannot be read. */
export class CredentialFileUnreadable extends Error {
  override readonly name = 'CredentialFileUnreadable';
  constructor(
    readonly field: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`${field} names ${file}, which cannot be read or is empty; point it at a readable file (PEM for certificates and keys) that the gateway's user may read.`, options);
  }
}

/** userIdentity.passwordEnv names an environment variable that is not set (or empty) in the gateway's environment. */
export class PasswordEnvUnset extends Error {
  override readonly name = 'PasswordEnvUnset';
  constructor(readonly variable: string) {
    super(`userIdentity.passwordEnv names ${variable}, which is not set in the gateway's environment; set it (e.g. from a secret store) before starting the gateway.`);
  }
}

/** The server answered an Acknowledge call with a bad status (unknown condition, stale event id, already acknowledged, no access). */
export class ConditionAcknowledgeRefused extends Error {
  override readonly name = 'ConditionAcknowledgeRefused';
  constructor(
    readonly endpoint: string,
    readonly conditionId: string,
    readonly eventId: string,
    readonly status: string,
  ) {
    super(
      `${endpoint} refused to acknowledge condition ${conditionId} (event ${eventId}): ${status}. ` +
        (status === 'BadEventIdUnknown'
          ? 'The event is no longer the latest of its condition: acknowledge the condition from its newest event.'
          : status === 'BadConditionBranchAlreadyAcked'
            ? 'It was already acknowledged; nothing to do.'
            : "Check the condition id and the gateway user's right to call Acknowledge on the server."),
    );
  }
}

/** An acknowledgement reached a connector that has no live session to send it on. */
export class ConditionAcknowledgeUnavailable extends Error {
  override readonly name = 'ConditionAcknowledgeUnavailable';
  constructor(
    readonly connector: string,
    readonly endpoint: string,
    reason: string,
  ) {
    super(`${connector} cannot acknowledge on ${endpoint}: ${reason}. The operator should retry once the console shows the connector up.`);
  }
}
