import { loadAllContracts, type LoadedContract } from '@fieldmesh/governance';
import { ContractNotFound } from './errors';

/**
 * The folders holding these domains' contracts and schemas: the repository's (`root`), then each that a
 * domain keeps of its own (its declaration's `contractsRoot`). Whatever runs the domains or shows their
 * products (the pipeline, a domain's jobs, the console's catalog) reads these, so none misses a product.
 */
export function contractRootsOf(root: string, domains: readonly { contractsRoot?: string | undefined }[]): string[] {
  return [root, ...domains.flatMap((domain) => (domain.contractsRoot ? [domain.contractsRoot] : []))];
}

/**
 * The contracts a domain's declaration names by id: the repository's (`<root>/contracts`) and those a
 * domain keeps in a folder of its own (a test fixture's `contractsRoot`).
 */
export class ContractCatalog {
  private constructor(
    private readonly contracts: LoadedContract[],
    /** The folders it was loaded from (none for `of`). */
    readonly roots: readonly string[],
  ) {}

  static async load(roots: string[]): Promise<ContractCatalog> {
    const contracts = (await Promise.all(roots.map((root) => loadAllContracts(root)))).flat();
    return new ContractCatalog(contracts, roots);
  }

  static of(contracts: LoadedContract[]): ContractCatalog {
    return new ContractCatalog(contracts, []);
  }

  all(): LoadedContract[] {
    return [...this.contracts];
  }

  byId(id: string): LoadedContract {
    const found = this.contracts.find((loaded) => loaded.contract.id === id);
    if (!found) throw new ContractNotFound(id, [...this.roots]);
    return found;
  }

  /** The product whose contract's topic this is, if any. */
  byTopic(topic: string): LoadedContract | undefined {
    return this.contracts.find((loaded) => loaded.contract.kafka.topic === topic);
  }
}
