import type { Source } from '@fieldmesh/connect';

/**
 * What a connector's test hands the conformance suite: how to start its source against the real peer,
 * make the device publish, and break the link between them.
 */
export interface SourceConformanceHarness {
  /**
   * Whether the source tells its peer that a reading arrived, and does so only in `ack()` (MQTT PUBACK):
   * the suite then also proves that an acked batch is not delivered again. False where the protocol has
   * no acknowledgement (OPC UA): a new subscription starts from the values the server holds now.
   */
  acknowledgesUpstream: boolean;
  /** A fresh, isolated scenario (its own device, topics or nodes, link and source identity) for one test. */
  rig(): Promise<ConformanceRig>;
}

export interface ConformanceRig {
  /**
   * A new source instance, as the runtime's factory makes one after each failure: every instance of a rig
   * shares the identity that lets the peer redeliver (MQTT client id, state folder), and connects through
   * `link`.
   */
  createSource(): Source;
  /**
   * The device publishes one reading per value, in order, each with `value` as its reading value, and
   * resolves once the peer holds them (the broker acknowledged the publish, the server has the value).
   * A peer that keeps only the latest value per signal (an OPC UA server) gets each value on a signal of
   * its own, so that every value is still there to be delivered again after a reconnect. The suite
   * publishes at most `CONFORMANCE_VALUES_PER_TEST` values in a test.
   */
  publish(values: readonly number[]): Promise<void>;
  /** The device publishes one message the connector cannot turn into readings; it must become a reject. */
  publishMalformed(): Promise<void>;
  /** The connection between source and peer; the device's own connection stays up. */
  link: {
    /** Drops the source's open connections and refuses new ones, as a crashed peer or a cut cable does. */
    cut(): Promise<void>;
    restore(): Promise<void>;
  };
  /** Releases what `rig()` set up (the suite closes the sources it created itself). */
  close(): Promise<void>;
}

/** Upper bound on the values one test publishes, for rigs that need a signal per value. */
export const CONFORMANCE_VALUES_PER_TEST = 8;
