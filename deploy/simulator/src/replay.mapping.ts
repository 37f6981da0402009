import { readFileSync } from 'node:fs';
import { loadConfig } from '@fieldmesh/config';
import { parse } from 'yaml';
import { z } from 'zod';
import { ASSET_CLASSES, isSignalName } from './signal.catalog';

const assetPathPattern = /^[^/]+\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/;

export const replayMapping = z.strictObject({
  timestamp: z
    .strictObject({
      column: z.string().min(1).default('timestamp'),
      format: z.enum(['auto', 'iso', 'epoch_ms', 'epoch_s']).default('auto').describe('auto: ISO 8601 text or epoch milliseconds'),
    })
    .prefault({}),
  label: z
    .strictObject({ column: z.string().min(1) })
    .optional()
    .describe('Ground-truth column: empty or `normal`, else `<asset path>:<mode>` entries joined by `;`'),
  columns: z
    .array(
      z
        .strictObject({
          column: z.string().min(1),
          asset: z.string().regex(assetPathPattern, 'an ISA-95 path enterprise/site/area/line/asset'),
          signal: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case signal name'),
          unit: z.string().min(1).optional().describe('UCUM unit; defaults to the catalog unit of a known signal'),
          assetClass: z.enum(ASSET_CLASSES).optional().describe('Defaults to the asset id prefix, e.g. pump-1 → pump'),
        })
        .superRefine((column, context) => {
          if (!column.unit && !isSignalName(column.signal)) context.addIssue({ code: 'custom', path: ['unit'], message: `required: ${column.signal} is not a catalog signal` });
        }),
    )
    .min(1),
});

export type ReplayMapping = z.output<typeof replayMapping>;

export function loadReplayMapping(file: string): ReplayMapping {
  return loadConfig(replayMapping, parse(readFileSync(file, 'utf8')), file);
}
