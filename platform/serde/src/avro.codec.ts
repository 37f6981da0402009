import type { Type } from 'avsc';
import { createBodyValidator } from './body.validator';
import { MalformedAvroBody, RecordInvalid, type SerdeErrorContext } from './errors';
import type { DecodeLimits } from './serde.config';

/**
 * Encodes and decodes Avro bodies of one writer schema (no framing, no registry). Stateless between
 * calls: a poison record leaves nothing behind that could affect the next one.
 */
export class AvroCodec {
  private readonly validateBody;

  constructor(
    readonly type: Type,
    limits: DecodeLimits,
  ) {
    this.validateBody = createBodyValidator(type, limits);
  }

  encode(value: unknown, context: SerdeErrorContext): Buffer {
    try {
      return this.type.toBuffer(value);
    } catch (error) {
      throw new RecordInvalid(this.invalidPaths(value), context, { cause: error });
    }
  }

  decode(body: Buffer, context: SerdeErrorContext): unknown {
    this.validateBody(body, context);
    try {
      return this.type.fromBuffer(body);
    } catch (error) {
      // The structure is sound (validated above); what is left is a value a logical type refuses,
      // such as a timestamp outside the range of a Date or a decimal longer than its precision.
      throw new MalformedAvroBody(`invalid value: ${error instanceof Error ? error.message : String(error)}`, 0, context, { cause: error });
    }
  }

  /** Dotted paths of the fields that do not match the schema (`readings.3.value`); `(root)` for the value itself. */
  private invalidPaths(value: unknown): string[] {
    const paths: string[] = [];
    this.type.isValid(value, { errorHook: (path) => paths.push(path.length > 0 ? path.join('.') : '(root)') });
    return paths;
  }
}
