export class TopicPatternInvalid extends Error {
  override readonly name = 'TopicPatternInvalid';
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`Topic pattern "${pattern}" is invalid: ${problem}. Write levels like acme/+site/+asset/#rest.`);
  }
}

/** A TLS file named in the config cannot be read; the connector cannot authenticate without it. */
export class TlsFileUnreadable extends Error {
  override readonly name = 'TlsFileUnreadable';
  constructor(
    readonly field: string,
    readonly file: string,
    options: { cause: unknown },
  ) {
    super(`Cannot read ${field} "${file}": ${(options.cause as Error).message}. Check the path and that the gateway may read it.`, options);
  }
}

/** The broker refused a subscription (e.g. an ACL forbids the topic); the connector would read nothing. */
export class SubscriptionRefused extends Error {
  override readonly name = 'SubscriptionRefused';
  constructor(
    readonly topic: string,
    readonly returnCode: number,
  ) {
    super(`The broker refused the subscription to "${topic}" (return code ${returnCode}). Allow the topic for this client in the broker ACL or fix the subscription.`);
  }
}

/** The bytes of a Sparkplug message are not a Sparkplug B protobuf payload; the message is dead-lettered. */
export class SparkplugDecodeFailed extends Error {
  override readonly name = 'SparkplugDecodeFailed';
  constructor(options: { cause: unknown }) {
    super(
      `payload is not a Sparkplug B protobuf: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}. Check that the publisher encodes Sparkplug B (Tahu) payloads on spBv1.0 topics.`,
      options,
    );
  }
}

/** A Sparkplug message holds more metrics than `sparkplug.maxMetricsPerMessage`; none of them is read. */
export class SparkplugTooManyMetrics extends Error {
  override readonly name = 'SparkplugTooManyMetrics';
  constructor(
    readonly metrics: number,
    readonly maxMetricsPerMessage: number,
  ) {
    super(
      `payload holds ${metrics} metrics, more than sparkplug.maxMetricsPerMessage ${maxMetricsPerMessage}, so none was read. Split the edge node's messages or raise the limit.`,
    );
  }
}
