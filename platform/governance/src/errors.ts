import { formatProblems, type Problem } from '@fieldmesh/config';

/** A contract file failed validation; every problem names its field. */
export class ContractInvalid extends Error {
  override readonly name = 'ContractInvalid';
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`Data contract ${file} is invalid:\n${formatProblems(problems)}\nFix the contract (see contracts/README.md for the format).`);
  }
}
