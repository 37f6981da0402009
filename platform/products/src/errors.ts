/** A domain names a contract that neither the repository nor the domain's own contracts folder holds. */
export class ContractNotFound extends Error {
  override readonly name = 'ContractNotFound';
  constructor(
    readonly id: string,
    readonly roots: string[],
  ) {
    super(
      `No contract ${id} under ${roots.map((root) => `${root}/contracts`).join(' or ')}. Add contracts/<domain>/<product>.yaml with id: ${id}, or fix the id in the domain's declaration.`,
    );
  }
}

/** A product's contract names no upstream product, or one whose contract is not known: its job would not know what to read. */
export class ProductInputUnknown extends Error {
  override readonly name = 'ProductInputUnknown';
  constructor(
    readonly product: string,
    readonly upstream: string[],
  ) {
    super(
      `The contract of ${product} lists ${upstream.length === 0 ? 'no upstream topic' : `upstream ${upstream.join(', ')}`}, and its job reads the products named there, each of which needs a known contract. ` +
        "Set the contract's upstream to the topics of the products the job reads (and give each a contract).",
    );
  }
}

/** A folder under domains/ holds no package whose entry exports a domain declaration. */
export class DomainNotDeclared extends Error {
  override readonly name = 'DomainNotDeclared';
  constructor(
    readonly folder: string,
    readonly entry: string,
  ) {
    super(
      `${entry} (the package in ${folder}) exports no 'domain' made with defineDomain, so the main job cannot start it. Export one from its index.ts, or move the folder out of domains/.`,
    );
  }
}

/** A pipeline stat exported as a count since start went negative or is not finite: it is a level or an instant the product did not declare as such. */
export class StatNotACount extends Error {
  override readonly name = 'StatNotACount';
  constructor(
    readonly domain: string,
    readonly product: string,
    readonly path: string,
    readonly value: number,
  ) {
    super(
      `The stat ${path} of ${domain} ${product} is ${value}, which no count since the job started can be, so /metrics cannot export it as a counter. ` +
        `If it is a level or an instant, name it in the product's metrics.gauges or metrics.timestamps (defineDataProduct); if it is a count, fix what lowers it.`,
    );
  }
}
