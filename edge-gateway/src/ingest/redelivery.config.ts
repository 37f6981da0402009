import { z } from 'zod';

export const DEFAULT_RECENT_READINGS_PER_CONNECTOR = 100_000;

/** How far back the gateway recognises a reading a source delivers again (see RedeliveryFilter). */
export const redeliveryConfigSchema = z
  .strictObject({
    recentReadingsPerConnector: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_RECENT_READINGS_PER_CONNECTOR)
      .describe(
        'Reading ids remembered per connector (about 70 bytes each) to drop readings a source delivers again. ' +
          'Cover what a broker can resend: the readings it receives between two saves of its persistence ' +
          "(Mosquitto's autosave_interval) plus its in-flight window; a redelivery older than this is buffered again.",
      )
      .meta({ examples: [100_000] }),
  })
  .prefault({});

export type RedeliveryConfig = z.output<typeof redeliveryConfigSchema>;
