import { randomUUID } from 'node:crypto';

/**
 * A device AE as a plain HTTP client would write to the CSE (no code shared with the connector): it
 * registers, creates an <accessControlPolicy> granting the gateway Retrieve/Subscribe, a <container> under
 * that policy, and <contentInstance>s in it.
 */
export class DeviceWriter {
  constructor(
    private readonly cseUrl: string,
    private readonly cseBaseName: string,
    readonly originator: string,
  ) {}

  private async create(path: string, ty: number, body: unknown): Promise<Record<string, Record<string, unknown>>> {
    const response = await fetch(`${this.cseUrl}/${this.cseBaseName}${path}`, {
      method: 'POST',
      headers: { 'X-M2M-Origin': this.originator, 'X-M2M-RI': randomUUID(), 'X-M2M-RVI': '3', 'Content-Type': `application/json;ty=${ty}`, Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.headers.get('X-M2M-RSC') !== '2001') throw new Error(`device create ${path} ty=${ty}: ${response.headers.get('X-M2M-RSC')} ${text}`);
    return JSON.parse(text) as Record<string, Record<string, unknown>>;
  }

  /** Registers the device AE and makes its containers readable by `gatewayOriginator`. */
  async provision(aeName: string, containers: string[], gatewayOriginator: string): Promise<void> {
    await this.create('', 2, { 'm2m:ae': { rn: aeName, api: 'Nfieldmesh.test-device', rr: false, srv: ['3'] } });
    // acop bits: 1 create, 2 retrieve, 4 update, 8 delete, 16 notify, 32 discover. The gateway needs create (a
    // <subscription> is a child of the container), retrieve (la, and its subscription), delete (to replace it) and notify.
    const acp = await this.create(`/${aeName}`, 1, {
      'm2m:acp': {
        rn: 'gateway-read',
        pv: {
          acr: [
            { acor: [this.originator], acop: 63 },
            { acor: [gatewayOriginator], acop: 1 + 2 + 8 + 16 + 32 },
          ],
        },
        pvs: { acr: [{ acor: [this.originator], acop: 63 }] },
      },
    });
    for (const container of containers) {
      await this.create(`/${aeName}`, 3, { 'm2m:cnt': { rn: container, acpi: [acp['m2m:acp']?.ri] } });
    }
  }

  async write(containerPath: string, con: unknown, cnf = 'application/json:0'): Promise<void> {
    await this.create(`/${containerPath}`, 4, { 'm2m:cin': { cnf, con } });
  }
}
