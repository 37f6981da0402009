import { crc32 } from 'node:zlib';

/**
 * On-disk frame of one buffered record: [u32 length of payload][u32 crc32 of seq+payload][f64 seq][payload].
 * The CRC lets recovery find a torn write at the tail after a crash or power cut and cut it off.
 */
export const frameHeaderBytes = 16;

export function encodeFrame(seq: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeDoubleBE(seq, 8);
  payload.copy(frame, frameHeaderBytes);
  frame.writeUInt32BE(crc32(frame.subarray(8)), 4);
  return frame;
}

export interface DecodedFrame {
  seq: number;
  payload: Buffer;
  /** Bytes the frame takes in the file. */
  size: number;
}

/** Decodes the frame at `offset`, or returns undefined when the bytes there are incomplete or corrupt. */
export function decodeFrame(buffer: Buffer, offset: number): DecodedFrame | undefined {
  if (buffer.length - offset < frameHeaderBytes) return undefined;
  const length = buffer.readUInt32BE(offset);
  const end = offset + frameHeaderBytes + length;
  if (end > buffer.length) return undefined;
  const checksum = buffer.readUInt32BE(offset + 4);
  if (crc32(buffer.subarray(offset + 8, end)) !== checksum) return undefined;
  return { seq: buffer.readDoubleBE(offset + 8), payload: buffer.subarray(offset + frameHeaderBytes, end), size: end - offset };
}
