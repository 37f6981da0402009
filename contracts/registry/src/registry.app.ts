import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createKafka, type KafkaPort } from '@fieldmesh/kafka';
import { type DynamicModule, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { RegistryAuthGuard } from './auth/auth.guard';
import { RegistryAuth } from './auth/registry.auth';
import { DEFAULT_AUDIT_TOPIC, DEFAULT_LINEAGE_TOPIC, type GovernanceConfig, type RegistryConfig, resolveAllowedHosts } from './config';
import { refuseUnknownHost } from './http/host.check';
import { refuseNonJsonBody } from './http/media-type.check';
import { CompatibilityController, ConfigController, RootController, SchemasController, SubjectsController } from './http/registry.controllers';
import { CONTENT_TYPE, RegistryErrorFilter } from './http/registry-error.filter';
import type { HttpResponse } from './http/http.types';
import { requestGate } from './http/request.gate';
import { checkNetworkBind } from './network-bind.check';
import { RegistryService } from './registry.service';
import { ContractAuditLog } from './review/contract-audit.log';
import { LineageSource } from './review/downstream.impact';
import { GovernedRegistration } from './review/governed-registration';
import { ContractsController } from './review/review.controllers';
import { ReviewService } from './review/review.service';
import { ReviewState } from './review/review.state';
import { RegistryState } from './store/registry.state';
import { SchemaLog } from './store/schema-log';

/** Governed mode's parts: the audit log it reads and writes, and where it reads lineage. */
interface Governance {
  state: ReviewState;
  log: ContractAuditLog;
  lineage: LineageSource;
}

@Module({})
class RegistryModule {
  static with(state: RegistryState, log: SchemaLog, auth: RegistryAuth, governance: Governance | undefined): DynamicModule {
    const controllers: Type[] = [RootController, SubjectsController, SchemasController, CompatibilityController, ConfigController];
    const providers: Provider[] = [
      { provide: RegistryState, useValue: state },
      { provide: SchemaLog, useValue: log },
      RegistryService,
      { provide: RegistryAuth, useValue: auth },
      // Open mode lets every request through; governed mode checks the @RequiresAction routes.
      { provide: APP_GUARD, useClass: RegistryAuthGuard },
    ];
    if (governance) {
      controllers.push(ContractsController);
      providers.push(
        { provide: ReviewState, useValue: governance.state },
        { provide: ContractAuditLog, useValue: governance.log },
        { provide: LineageSource, useValue: governance.lineage },
        ReviewService,
        GovernedRegistration,
      );
    }
    return { module: RegistryModule, controllers, providers };
  }
}

/** Reads the audit log to its end (creating the topic if missing), so the first request sees every decision. */
async function startGovernance(kafka: KafkaPort, config: GovernanceConfig): Promise<Governance> {
  const state = new ReviewState();
  const log = new ContractAuditLog(kafka, state, { topic: config.auditTopic ?? DEFAULT_AUDIT_TOPIC });
  try {
    await log.start();
  } catch (error) {
    await log.stop();
    throw error;
  }
  return { state, log, lineage: new LineageSource(kafka, config.lineageTopic ?? DEFAULT_LINEAGE_TOPIC) };
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
 * With `governance`, it also reads the contract audit log and serves /contracts, and write endpoints need tokens.
 * Refuses, before touching Kafka, to listen beyond loopback without governance (UnauthenticatedNetworkBind)
 * and an invalid `allowedHosts` (ConfigInvalid).
 */
export async function createRegistryApp(config: RegistryConfig): Promise<RunningRegistry> {
  const bindWarning = checkNetworkBind({ ...config, authenticated: config.governance !== undefined });
  const allowedHosts = resolveAllowedHosts(config);
  if (bindWarning) new Logger('Registry').warn(bindWarning);
  const kafka = createKafka({ clientId: 'fieldmesh-registry', brokers: config.brokers, ...(config.kafkaSecurity ? { security: config.kafkaSecurity } : {}) });
  const auth = config.governance ? await RegistryAuth.governed(config.governance.tokensFile) : RegistryAuth.open();
  const state = new RegistryState();
  const log = new SchemaLog(kafka, state, { topic: config.topic });
  await log.start();
  let governance: Governance | undefined;
  try {
    governance = config.governance ? await startGovernance(kafka, config.governance) : undefined;
    const app = await NestFactory.create<NestExpressApplication>(RegistryModule.with(state, log, auth, governance), new ExpressAdapter(), {
      bodyParser: false,
      logger: ['error', 'warn'],
    });
    app.use(requestGate(refuseUnknownHost(allowedHosts)));
    app.use(requestGate(refuseNonJsonBody));
    // Every body that passed the gate above is declared JSON (or octet-stream, which Confluent reads as JSON).
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
        await Promise.all([log.stop(), governance?.log.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([log.stop(), governance?.log.stop()]);
    throw error;
  }
}
