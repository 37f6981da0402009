import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createKafka } from '@fieldmesh/kafka';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { RegistryConfig } from './config';
import { CompatibilityController, ConfigController, RootController, SchemasController, SubjectsController } from './http/registry.controllers';
import { CONTENT_TYPE, RegistryErrorFilter } from './http/registry-error.filter';
import type { HttpResponse } from './http/http.types';
import { RegistryService } from './registry.service';
import { RegistryState } from './store/registry.state';
import { SchemaLog } from './store/schema-log';

@Module({})
class RegistryModule {
  static with(state: RegistryState, log: SchemaLog): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [RootController, SubjectsController, SchemasController, CompatibilityController, ConfigController],
      providers: [{ provide: RegistryState, useValue: state }, { provide: SchemaLog, useValue: log }, RegistryService],
    };
  }
}

export interface RunningRegistry {
  /** Base URL of the REST API, e.g. http://127.0.0.1:8081 */
  url: string;
  port: number;
  /** Stops serving and disconnects from Kafka. */
  close(): Promise<void>;
}

/**
 * Starts a registry: reads the whole log topic (creating it if missing), then serves the Confluent REST API.
 * Resolves once it listens, so a caller's first request already sees every schema registered before.
 */
export async function createRegistryApp(config: RegistryConfig): Promise<RunningRegistry> {
  const kafka = createKafka({ clientId: 'fieldmesh-registry', brokers: config.brokers });
  const state = new RegistryState();
  const log = new SchemaLog(kafka, state, { topic: config.topic });
  await log.start();
  try {
    const app = await NestFactory.create<NestExpressApplication>(RegistryModule.with(state, log), new ExpressAdapter(), {
      bodyParser: false,
      logger: ['error', 'warn'],
    });
    // Confluent accepts its own media types, application/json and octet-stream; clients also send none at all.
    app.useBodyParser('json', { type: () => true, limit: '16mb' });
    app.use((_request: unknown, response: HttpResponse, next: () => void) => {
      response.setHeader('Content-Type', CONTENT_TYPE);
      next();
    });
    app.disable('x-powered-by');
    app.useGlobalFilters(new RegistryErrorFilter());
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      url: `http://${config.host}:${port}`,
      port,
      close: async () => {
        await app.close();
        await log.stop();
      },
    };
  } catch (error) {
    await log.stop();
    throw error;
  }
}
