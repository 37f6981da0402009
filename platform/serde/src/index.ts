export { AvroCodec } from './avro.codec';
export { AvroSerde, subjectFor, type DecodeContext, type Decoded, type RecordPart, type WriterSchema } from './avro.serde';
export { avroTypeOptions, createAvroType } from './avro-type.factory';
export { bigintLongType } from './bigint-long.type';
export { DecimalType } from './decimal.type';
export { decodeBatch, type DecodedBatch, type DecodedRecord, type DecodeFailure } from './decode.router';
export {
  DecodeError,
  DecodeLimitExceeded,
  MalformedAvroBody,
  PayloadTooLarge,
  PayloadTooShort,
  RecordInvalid,
  SchemaNotInContract,
  SchemaNotInSubject,
  SchemaNotRegistered,
  SchemaRegistryUnavailable,
  SchemaRejected,
  SerdeError,
  UnknownMagicByte,
  UnknownSchemaId,
  UnsupportedSchemaType,
  WireFormatError,
  type SerdeErrorContext,
} from './errors';
export { avroSerdeConfigSchema, decodeLimitsSchema, type AvroSerdeConfig, type AvroSerdeOptions, type DecodeLimits } from './serde.config';
export { TimestampMillisType } from './timestamp-millis.type';
export { frame, HEADER_BYTES, MAGIC_BYTE, unframe, type Frame } from './wire-format';
