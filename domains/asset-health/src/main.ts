import { runDomainMain } from '@fieldmesh/products';
import { domain } from './asset-health.domain';

/** `tsx domains/asset-health/src/main.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081` or `--config asset-health.yaml` (models and alerting among its fields; see runDomainMain). */
await runDomainMain(domain);
