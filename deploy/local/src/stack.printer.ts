import { relative } from 'node:path';
import type { ServiceStatus } from '@fieldmesh/stack';

function path(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** One line per service: name, state, where it listens, pid and log (paths relative to the working directory). */
export function formatStatus(services: readonly ServiceStatus[]): string {
  const width = Math.max(...services.map((service) => service.name.length));
  return services
    .map((service) => {
      const a = service.addresses;
      const where = [
        a.kafkaBrokers && `kafka ${a.kafkaBrokers} (SASL_SSL ${a.kafkaSaslMechanism}, user ${a.kafkaSaslUsername}, CA ${a.kafkaCaFile})`,
        a.mqttUrl,
        a.clickhouseUrl && `${a.clickhouseUrl} (user ${a.clickhouseUser}, password ${a.clickhousePassword})`,
        a.registryUrl &&
          (a.registryTokenFile
            ? `${a.registryUrl} (governed: export FIELDMESH_REGISTRY_TOKEN=$(cat ${path(a.registryTokenFile)}) to write schemas; a governance lead's token is in ${path(a.registryLeadTokenFile ?? '')})`
            : a.registryUrl),
      ]
        .filter(Boolean)
        .join(' ');
      const state = service.running ? `running (pid ${service.pid})` : 'stopped';
      return `${service.name.padEnd(width)}  ${where}  ${state}  log ${path(service.logFile)}`;
    })
    .concat(bootstrapLine(services))
    .join('\n');
}

/** With a Kafka cluster, the one address list clients take (each broker's line shows only its own listener). */
function bootstrapLine(services: readonly ServiceStatus[]): string[] {
  const brokers = services.flatMap((service) => (service.addresses.kafkaBrokers ? [service.addresses.kafkaBrokers] : []));
  return brokers.length > 1 ? [`kafka cluster of ${brokers.length} brokers: bootstrap ${brokers.join(',')}`] : [];
}
