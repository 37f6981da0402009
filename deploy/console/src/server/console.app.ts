import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { loadConfig } from '@fieldmesh/config';
import { createKafka } from '@fieldmesh/kafka';
import { clickhouseNamespace, kafkaNamespace } from '@fieldmesh/lineage';
import { ContractCatalog, contractRootsOf, discoverDomains } from '@fieldmesh/products';
import { AvroSerde } from '@fieldmesh/serde';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AlertBoard } from './alerts/alert.board';
import { AlertsModule } from './alerts/alerts.module';
import { AlertsService } from './alerts/alerts.service';
import { SignalStore } from './alerts/signal.store';
import { AsyncApiModule } from './asyncapi/asyncapi.module';
import { AuthModule } from './auth/auth.module';
import { CatalogModule } from './catalog/catalog.module';
import { CatalogService } from './catalog/catalog.service';
import { ThroughputSampler } from './catalog/throughput.sampler';
import { type ConsoleOptions, consoleOptionsSchema } from './console.options';
import { ConsoleStartFailed } from './errors';
import { FleetBoard } from './fleet/fleet.board';
import { FleetModule } from './fleet/fleet.module';
import { FleetService } from './fleet/fleet.service';
import { ConsoleErrorFilter } from './http/console-error.filter';
import { KpisModule } from './kpis/kpis.module';
import { LineageBoard } from './lineage/lineage.board';
import { LineageModule } from './lineage/lineage.module';
import { ModelsModule } from './models/models.module';
import { ModelsService } from './models/models.service';
import { ConditionBoard } from './plant-events/condition.board';
import { PlantEventsModule } from './plant-events/plant-events.module';
import { PlantEventsService } from './plant-events/plant-events.service';
import { RegistryGateway } from './reviews/registry.gateway';
import { ReviewsModule } from './reviews/reviews.module';
import { ReviewsService } from './reviews/reviews.service';
import { SloBoard } from './slo/slo.board';
import { SloModule } from './slo/slo.module';
import type { ConsoleLinks } from './status.controller';
import { StatusModule } from './status.module';
import { WarehouseAccess } from './warehouse.access';
import { serveSpa } from './web/spa.static';
import { buildConsoleWeb, WEB_ROOT } from './web/web.build';

const ALERTS_CONTRACT = 'asset-health.alerts';
const EVENTS_CONTRACT = 'plant-telemetry.events';

export interface RunningConsole {
  /** http://127.0.0.1:<port> — the UI at `/`, the API under `/api`, its OpenAPI at `/api/openapi.json`. */
  url: string;
  port: number;
  /** The OpenAPI document the console serves. */
  openApi: OpenAPIObject;
  close(): Promise<void>;
}

interface Services {
  store: TokenStore;
  catalog: CatalogService;
  reviews: ReviewsService;
  lineage: LineageBoard;
  alertBoard: AlertBoard;
  alerts: AlertsService;
  models: ModelsService;
  /** Absent when the contracts hold no events product. */
  plantEvents: PlantEventsService | undefined;
  fleet: FleetService;
  slo: SloBoard;
  hours: Record<string, number>;
  links: ConsoleLinks;
  ownNamespaces: string[];
}

/** The console: one Nest module per area, each handed the services start-up built. */
@Module({})
class ConsoleModule {
  static with(s: Services): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [
        AuthModule.with(s.store),
        CatalogModule.with(s.catalog),
        AsyncApiModule.with(s.catalog),
        ReviewsModule.with(s.reviews),
        LineageModule.with(s.lineage, s.ownNamespaces),
        AlertsModule.with(s.alerts),
        ...(s.plantEvents ? [PlantEventsModule.with(s.plantEvents)] : []),
        FleetModule.with(s.fleet),
        KpisModule.with(s.alertBoard, s.hours),
        ModelsModule.with(s.models),
        SloModule.with(s.slo),
        StatusModule.with({ alerts: s.alertBoard, slo: s.slo, lineage: s.lineage }, s.links),
      ],
    };
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new ConsoleStartFailed(name, { cause });
  }
}

/**
 * Waits for the boards to read what their topics held at start, at most `ms`. Past that the console serves
 * anyway (its pages fill as the reading goes on) and says which topic is slow, rather than not starting.
 */
async function caughtUpOrWarn(boards: Array<{ topic: string; caughtUp: Promise<unknown> }>, ms: number): Promise<void> {
  const pending = new Set(boards.map((b) => b.topic));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const all = Promise.all(boards.map((b) => b.caughtUp.then(() => pending.delete(b.topic))));
  const outcome = await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') {
    new Logger('Console').warn(`Still reading ${[...pending].join(', ')} after ${ms} ms; serving now, those views fill as the reading goes on. Check the broker if this persists.`);
  }
}

/**
 * The contract folders of the domains under `<root>/domains`, found as the pipeline finds them, for a console
 * started on its own: a domain that keeps its contracts in a folder of its own shows in the catalog too.
 */
async function domainContractRoots(root: string): Promise<string[]> {
  return contractRootsOf(root, await discoverDomains([join(root, 'domains')]));
}

function openApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Fieldmesh console API')
    .setDescription(
      'The API behind the Fieldmesh console: catalog, contract reviews (proxied to the schema registry), lineage, the alert workflow, ' +
        'downtime KPIs, models in use, live SLOs and AsyncAPI. Every route needs `Authorization: Bearer <token>` (any role reads); ' +
        'writes check the role × action matrix of @fieldmesh/auth (401 `40101`, 403 `40301`). Lists take `search`, `page` (from 1) and `pageSize` (≤ 200) ' +
        'and answer `Page<T>` `{ items, total, page, pageSize, pageCount }`. Bodies are the types of deploy/console/src/api/types.ts.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Starts the console: reads the alerts, SLO and lineage topics to their end (so the first page shows
 * everything already written), builds the UI if needed, and serves UI and API. Resolves once it listens.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const settings = loadConfig(consoleOptionsSchema, options, 'console options');
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const store = await step(`opening the tokens file ${settings.tokensFile}`, () => TokenStore.open(settings.tokensFile));
    const contractRoots = settings.contractRoots ?? (await step(`finding the domains under ${settings.contractsRoot}/domains`, () => domainContractRoots(settings.contractsRoot)));
    const contracts = (await step(`loading the contracts under ${contractRoots.join(', ')}`, () => ContractCatalog.load(contractRoots))).all();
    const alertsContract = contracts.find((c) => c.contract.id === ALERTS_CONTRACT);
    if (!alertsContract)
      throw new ConsoleStartFailed('finding the alerts contract', {
        cause: new Error(`no contract ${ALERTS_CONTRACT} under ${contractRoots.map((root) => `${root}/contracts`).join(' or ')}`),
      });

    const kafka = createKafka({
      clientId: 'fieldmesh-console',
      brokers: settings.kafkaBrokers,
      ...(settings.kafkaClient ? { client: settings.kafkaClient } : {}),
      ...(settings.kafkaSecurity ? { security: settings.kafkaSecurity } : {}),
    });
    const serde = new AvroSerde({
      registryUrl: settings.registryUrl,
      clientId: 'fieldmesh-console',
      ...(settings.serviceToken ? { basicAuth: { username: 'fieldmesh-console', password: settings.serviceToken } } : {}),
    });
    const registry = new RegistryGateway(settings.registryUrl);
    const warehouse = settings.clickhouse ? await step('opening ClickHouse', () => WarehouseAccess.open(settings.clickhouse!)) : undefined;
    if (warehouse) closers.push(() => warehouse.close());

    const alertBoard = new AlertBoard(kafka, serde, alertsContract, settings.topics.alerts);
    const slo = new SloBoard(kafka, settings.topics.slo, settings.slo ? () => settings.slo!.status() : undefined);
    const lineage = new LineageBoard(kafka, settings.topics.lineage);
    const eventsContract = contracts.find((c) => c.contract.id === EVENTS_CONTRACT);
    const conditions = eventsContract && new ConditionBoard(kafka, serde, eventsContract, eventsContract.contract.kafka.topic);
    const fleet = new FleetBoard(kafka);
    for (const board of [alertBoard, slo, lineage, fleet, ...(conditions ? [conditions] : [])]) closers.push(() => board.stop());
    await step('reading the alerts, SLO and lineage topics', async () => {
      await Promise.all([alertBoard.start(), slo.start(), lineage.start(), fleet.start(), conditions?.start()]);
      await caughtUpOrWarn(
        [
          { topic: fleet.topic, caughtUp: fleet.caughtUp },
          ...(conditions ? [{ topic: conditions.topic, caughtUp: conditions.caughtUp() }] : []),
          { topic: alertBoard.topic, caughtUp: alertBoard.caughtUp() },
          { topic: slo.topic, caughtUp: slo.caughtUp },
          { topic: lineage.topic, caughtUp: lineage.caughtUp },
        ],
        settings.startTimeoutMs,
      );
    });

    const catalog = new CatalogService(
      contractRoots,
      slo,
      registry,
      new ThroughputSampler(kafka, () => contracts.map((c) => c.contract.kafka.topic), settings.throughputSampleMs),
      warehouse,
      { kafkaBrokers: settings.kafkaBrokers.join(','), registryUrl: settings.registryUrl },
    );
    catalog.throughput.start();
    closers.push(() => catalog.throughput.stop());
    const signalProduct = async () => (await catalog.contracts()).find((c) => c.contract.id === settings.signals.product);
    const services: Services = {
      store,
      catalog,
      reviews: new ReviewsService(registry),
      lineage,
      alertBoard,
      alerts: new AlertsService(alertBoard, new SignalStore(warehouse, signalProduct, settings.signals)),
      models: new ModelsService(settings.modelsDir ?? join(settings.contractsRoot, 'models'), settings.models, alertBoard, settings.modelsInUse),
      plantEvents: conditions && new PlantEventsService(conditions),
      // Gateways publish the source products (contracts without upstream): their domains' operators command them.
      fleet: new FleetService(fleet, [...new Set(contracts.filter((c) => c.contract.upstream.length === 0).map((c) => c.contract.domain))]),
      slo,
      hours: settings.downtimeHoursPerAvoidedFailure,
      ownNamespaces: [
        kafkaNamespace(settings.kafkaBrokers),
        ...(settings.clickhouse && 'url' in settings.clickhouse && typeof settings.clickhouse.url === 'string' ? [clickhouseNamespace(settings.clickhouse.url)] : []),
      ],
      links: { registryUrl: settings.registryUrl, warehouse: warehouse ? { database: warehouse.database, version: warehouse.capabilities.version } : null },
    };

    const webRoot = settings.web === false ? undefined : (settings.web.root ?? WEB_ROOT);
    const web =
      settings.web === false || webRoot === undefined
        ? undefined
        : settings.web.build === 'never'
          ? { dist: join(webRoot, 'dist') }
          : await step('building the UI', () => buildConsoleWeb({ root: webRoot, cacheDir: join(settings.stateDir, 'vite-cache') }));

    const app = await NestFactory.create<NestExpressApplication>(ConsoleModule.with(services), new ExpressAdapter(), { logger: ['error', 'warn'] });
    closers.push(() => app.close());
    app.disable('x-powered-by');
    app.setGlobalPrefix('api');
    app.useGlobalFilters(new ConsoleErrorFilter());
    const openApi = openApiDocument(app);
    SwaggerModule.setup('api/docs', app, openApi, { jsonDocumentUrl: 'api/openapi.json', yamlDocumentUrl: 'api/openapi.yaml' });
    if (web) serveSpa(app, web.dist);
    await step(`listening on ${settings.host}:${settings.port}`, () => app.listen(settings.port, settings.host));
    const { port } = app.getHttpServer().address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return { url: `http://${settings.host}:${port}`, port, openApi, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
