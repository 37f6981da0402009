import { runDomainMain } from '@fieldmesh/products';
import { domain } from './plant-telemetry.domain';

/** `tsx domains/plant-telemetry/src/main.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081` or `--config plant-telemetry.yaml` (see runDomainMain). */
await runDomainMain(domain);
