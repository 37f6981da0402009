import { createHash } from 'node:crypto';
import { RegistryErrors } from '../errors';
import { parseSchema, type ParsedSchema } from '../schema/avro.schema';

/**
 * The identity of a schema for governance: sha256 (hex) of the canonical text the registry stores, so a
 * proposal's schema and a later registration of the same schema (whatever its whitespace or attribute
 * order) have the same fingerprint.
 */
export function schemaFingerprint(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** Parses a schema carried in a review request (parsed JSON or its text) into the registry's canonical form. */
export function parseReviewSchema(schema: unknown): ParsedSchema {
  if (schema === undefined || schema === null) throw RegistryErrors.invalidReviewRequest('"schema" is required: the Avro schema (JSON) of the contract version');
  try {
    return parseSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));
  } catch (error) {
    throw RegistryErrors.invalidReviewRequest(`"schema" is not a valid Avro schema (${(error as Error).message})`, error);
  }
}
