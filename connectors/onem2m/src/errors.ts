/** The CSE answered a request with a oneM2M response status code the connector cannot go on from. */
export class CseRequestFailed extends Error {
  override readonly name = 'CseRequestFailed';
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly responseStatusCode: number,
    readonly debug: string,
    readonly remedy: string,
  ) {
    super(`The CSE answered ${operation} ${target} with ${responseStatusCode}${debug ? ` (${debug})` : ''}. ${remedy}`);
  }
}
