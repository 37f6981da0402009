import { readFile, writeFile } from 'node:fs/promises';
import { AvroCodec, type AvroSerde, createAvroType, type WriterSchema } from '@fieldmesh/serde';

/**
 * The writer schema id, remembered in the gateway's state so that a gateway restarted while the site's
 * uplink (and so the registry) is down still encodes and buffers; the id was registered on an earlier start.
 */
export async function resolveWriter(serde: AvroSerde, topic: string, schema: object, cacheFile: string, onOffline: (error: unknown) => void): Promise<WriterSchema> {
  const schemaText = JSON.stringify(schema);
  try {
    const writer = await serde.writerFor(topic, schema);
    await writeFile(cacheFile, JSON.stringify({ topic, schemaId: writer.schemaId, schema: schemaText }));
    return writer;
  } catch (error) {
    const cached = await readFile(cacheFile, 'utf8').then(
      (text) => JSON.parse(text) as { topic: string; schemaId: number; schema: string },
      () => undefined,
    );
    if (!cached || cached.topic !== topic || cached.schema !== schemaText) throw error;
    onOffline(error);
    return { topic, subject: `${topic}-value`, schemaId: cached.schemaId, codec: new AvroCodec(createAvroType(schema), serde.config.limits) };
  }
}
