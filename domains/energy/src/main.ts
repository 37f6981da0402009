import { runDomainMain } from '@fieldmesh/products';
import { domain } from './energy.domain';

/** `tsx domains/energy/src/main.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081` or `--config energy.yaml` (tariffs or tariffsFile among its fields; see runDomainMain). */
await runDomainMain(domain);
