import { randomUUID } from 'node:crypto';
import type { Onem2mSourceConfig } from './config';
import type { ContentInstance } from './content.mapping';
import { CseRequestFailed } from './errors';

/** oneM2M resource types (TS-0004 m2m:resourceType) the connector creates. */
const RESOURCE_TYPE = { ae: 2, subscription: 23 } as const;
/** Response status codes (TS-0004 m2m:responseStatusCode) the connector tells apart. */
export const RSC = { ok: 2000, created: 2001, deleted: 2002, notFound: 4004, accessDenied: 4103, conflict: 4105, originatorAlreadyRegistered: 4117 } as const;
/** notificationEventType 3: creation of a direct child resource (a new contentInstance). */
const CREATE_OF_DIRECT_CHILD = 3;
/** notificationContentType 1: all attributes of the created resource. */
const ALL_ATTRIBUTES = 1;

interface CseResponse {
  rsc: number;
  body: Record<string, unknown>;
}

/**
 * The requests the connector makes to a CSE over the oneM2M HTTP binding (TS-0009): X-M2M-Origin,
 * X-M2M-RI (a new request id each time) and X-M2M-RVI headers, JSON serialization with `ty` in the
 * Content-Type of a create. A transport failure throws (the source turns it into NotConnected).
 */
export class CseClient {
  constructor(private readonly config: Onem2mSourceConfig) {}

  private url(path: string): string {
    return `${this.config.cseUrl.replace(/\/+$/, '')}/${this.config.cseBaseName}${path === '' ? '' : `/${path}`}`;
  }

  async request(method: 'GET' | 'POST' | 'DELETE', path: string, create?: { ty: number; body: unknown }): Promise<CseResponse> {
    const headers: Record<string, string> = {
      'X-M2M-Origin': this.config.originator,
      'X-M2M-RI': randomUUID(),
      'X-M2M-RVI': this.config.releaseVersion,
      Accept: 'application/json',
    };
    if (create) headers['Content-Type'] = `application/json;ty=${create.ty}`;
    const response = await fetch(this.url(path), {
      method,
      headers,
      ...(create ? { body: JSON.stringify(create.body) } : {}),
      signal: AbortSignal.timeout(this.config.requestTimeoutMs),
    });
    const text = await response.text();
    const rsc = Number(response.headers.get('X-M2M-RSC') ?? Number.NaN);
    let body: Record<string, unknown> = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = { 'm2m:dbg': text.slice(0, 200) };
    }
    return { rsc: Number.isNaN(rsc) ? (response.ok ? RSC.ok : response.status) : rsc, body };
  }

  /** Registers the gateway's AE, or finds it registered (a reconnect, or a CSE that kept its data). */
  async registerAe(): Promise<void> {
    const body = { 'm2m:ae': { rn: this.config.aeName, api: this.config.appId, rr: false, srv: [this.config.releaseVersion] } };
    const { rsc, body: answer } = await this.request('POST', '', { ty: RESOURCE_TYPE.ae, body });
    if (rsc === RSC.created || rsc === RSC.conflict || rsc === RSC.originatorAlreadyRegistered) return;
    throw new CseRequestFailed(
      'CREATE <AE>',
      this.config.aeName,
      rsc,
      debugOf(answer),
      `Allow originator ${this.config.originator} in the CSE's registration policy (its AE-ID must start with C or S) or change originator.`,
    );
  }

  /** Replaces the connector's subscription on a container, so that its notificationURI is the current one. */
  async subscribe(container: string, subscriptionName: string, notificationUri: string): Promise<void> {
    await this.request('DELETE', `${container}/${subscriptionName}`);
    const body = { 'm2m:sub': { rn: subscriptionName, nu: [notificationUri], nct: ALL_ATTRIBUTES, enc: { net: [CREATE_OF_DIRECT_CHILD] } } };
    const { rsc, body: answer } = await this.request('POST', container, { ty: RESOURCE_TYPE.subscription, body });
    if (rsc === RSC.created) return;
    const remedy =
      rsc === RSC.notFound
        ? `Check the mapping's container path, or wait for the device to create it (the gateway retries).`
        : rsc === RSC.accessDenied
          ? `Grant ${this.config.originator} Create, Retrieve, Delete and Notify on the container in its <accessControlPolicy> (a <subscription> is a child resource).`
          : 'Check that the notification server is reachable from the CSE (the CSE verifies it).';
    throw new CseRequestFailed('CREATE <subscription> on', container, rsc, debugOf(answer), remedy);
  }

  /** Whether the subscription still exists; false when the CSE lost it (restarted without its data). */
  async subscriptionExists(container: string, subscriptionName: string): Promise<boolean> {
    const { rsc } = await this.request('GET', `${container}/${subscriptionName}`);
    return rsc === RSC.ok;
  }

  /** The container's latest contentInstance (`la`), or undefined when it has none. */
  async latest(container: string): Promise<ContentInstance | undefined> {
    const { rsc, body } = await this.request('GET', `${container}/la`);
    if (rsc === RSC.notFound) return undefined;
    if (rsc !== RSC.ok) throw new CseRequestFailed('RETRIEVE', `${container}/la`, rsc, debugOf(body), `Grant ${this.config.originator} Retrieve on the container.`);
    return body['m2m:cin'] as ContentInstance | undefined;
  }

  /** The container's creationTime: the floor of a container that has no contentInstance yet. */
  async creationTime(container: string): Promise<string> {
    const { rsc, body } = await this.request('GET', container);
    const ct = (body['m2m:cnt'] as { ct?: unknown } | undefined)?.ct;
    if (rsc !== RSC.ok || typeof ct !== 'string')
      throw new CseRequestFailed('RETRIEVE', container, rsc, debugOf(body), `Check the mapping's container path and grant ${this.config.originator} Retrieve on it.`);
    return ct;
  }

  /** The container's contentInstances created after `after` (filter criteria cra, child resources rcn 8), oldest first. */
  async createdAfter(container: string, after: string): Promise<ContentInstance[]> {
    const { rsc, body } = await this.request('GET', `${container}?rcn=8&ty=4&cra=${encodeURIComponent(after)}`);
    if (rsc !== RSC.ok) throw new CseRequestFailed('RETRIEVE children of', container, rsc, debugOf(body), `Grant ${this.config.originator} Retrieve on the container.`);
    const children = (body['m2m:cnt'] as { 'm2m:cin'?: ContentInstance[] } | undefined)?.['m2m:cin'] ?? [];
    return children.sort((a, b) => (a.ct ?? '').localeCompare(b.ct ?? ''));
  }
}

function debugOf(body: Record<string, unknown>): string {
  return typeof body['m2m:dbg'] === 'string' ? body['m2m:dbg'] : '';
}
