import { loadAllContracts, type LoadedContract } from '@fieldmesh/governance';
import { ContractNotFound } from './errors';

/**
 * The contracts a domain's declaration names by id: the repository's (`<root>/contracts`) and those a
 * domain keeps in a folder of its own (a test fixture's `contractsRoot`).
 */
export class ContractCatalog {
  private constructor(
    private readonly contracts: LoadedContract[],
    private readonly roots: string[],
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
    if (!found) throw new ContractNotFound(id, this.roots);
    return found;
  }

  /** The product whose contract's topic this is, if any. */
  byTopic(topic: string): LoadedContract | undefined {
    return this.contracts.find((loaded) => loaded.contract.kafka.topic === topic);
  }
}
