import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StreamsExceptionFilter } from './streams.exception-filter';
import { StreamsTransport, type StreamsTransportOptions } from './streams.transport';

export interface StreamsApp {
  app: INestMicroservice;
  transport: StreamsTransport;
}

/**
 * A Nest microservice for a domain module on the stream runtime, initialised (handlers registered) but
 * not consuming: call `app.listen()` to run it, or give `transport.handler()` to a TestDriver.
 */
export async function createStreamsApp(
  module: unknown,
  options: StreamsTransportOptions,
  nest: { logger?: false | Array<'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal'> } = {},
): Promise<StreamsApp> {
  const transport = new StreamsTransport(options);
  const app = await NestFactory.createMicroservice(module as never, { strategy: transport, ...(nest.logger === undefined ? {} : { logger: nest.logger }) });
  app.useGlobalFilters(new StreamsExceptionFilter());
  await app.init();
  return { app, transport };
}
