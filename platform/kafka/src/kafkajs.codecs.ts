import zlib from 'node:zlib';
import { lz4Compress, lz4Decompress, snappyCompress, snappyDecompress } from '@platformatic/wasm-utils';
import kafkajs from 'kafkajs';

/**
 * kafkajs ships only gzip and leaves lz4, snappy and zstd to codec packages, most of them native addons.
 * These codecs use the same WebAssembly lz4/snappy that @platformatic/kafka uses and Node's own zstd, so
 * both adapters compress identically and neither needs a native build.
 */
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Encoder {
  buffer: Buffer;
}

const XERIAL_SNAPPY_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

/** The Java client writes snappy in xerial's chunked framing; plain snappy comes from other clients. */
function snappyDecompressAny(data: Buffer): Buffer {
  if (!data.subarray(0, XERIAL_SNAPPY_MAGIC.length).equals(XERIAL_SNAPPY_MAGIC)) return snappyDecompress(data);
  const chunks: Buffer[] = [];
  // 8 bytes magic, 4 bytes version, 4 bytes compatible version, then [length:int32][chunk] repeated.
  for (let at = 16; at + 4 <= data.length;) {
    const length = data.readUInt32BE(at);
    at += 4;
    chunks.push(snappyDecompress(data.subarray(at, at + length)));
    at += length;
  }
  return Buffer.concat(chunks);
}

let registered = false;

export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: Encoder) => lz4Compress(encoder.buffer),
    decompress: async (buffer: Buffer) => lz4Decompress(buffer),
  });
  CompressionCodecs[CompressionTypes.Snappy] = () => ({
    compress: async (encoder: Encoder) => snappyCompress(encoder.buffer),
    decompress: async (buffer: Buffer) => snappyDecompressAny(buffer),
  });
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: Encoder) => zlib.zstdCompressSync(encoder.buffer),
    decompress: async (buffer: Buffer) => zlib.zstdDecompressSync(buffer),
  });
}
