/** Polls `check` until it returns true or `timeoutMs` passes; then fails with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True once the gateway's /metrics shows the connector connected. */
export async function connectorUp(observabilityUrl: string, connector: string): Promise<boolean> {
  const text = await (await fetch(`${observabilityUrl}/metrics`)).text();
  return text.includes(`fieldmesh_gateway_connector_up{connector="${connector}"} 1`);
}
