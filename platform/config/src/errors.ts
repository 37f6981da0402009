import { formatProblems, type Problem } from './problems';

/** A configuration failed validation; `problems` names every field that is wrong and why. */
export class ConfigInvalid extends Error {
  override readonly name = 'ConfigInvalid';
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(`${source} is invalid:\n${formatProblems(problems)}\nFix the fields above and start again.`);
  }
}
