import type { SparkplugMetric } from './sparkplug.payload';

/** What a birth certificate declares about one metric; DATA messages refer to it by alias. */
export interface MetricDefinition {
  name: string;
  alias?: number;
  datatype?: number;
  /** The `engUnit` property. */
  unit?: string;
}

interface Certificate {
  byAlias: Map<number, MetricDefinition>;
  byName: Map<string, MetricDefinition>;
  dead: boolean;
}

interface NodeState {
  bdSeq?: number;
  lastSeq?: number;
  dead: boolean;
  /** Node-level metrics from NBIRTH. */
  node: Certificate;
  devices: Map<string, Certificate>;
  lastRebirthRequest?: number;
}

/** What survives a gateway restart: the certificates, so that redelivered DATA still resolves its aliases. */
export interface PersistedBirths {
  version: 1;
  nodes: { group: string; node: string; bdSeq?: number; dead: boolean; metrics: MetricDefinition[]; devices: { device: string; dead: boolean; metrics: MetricDefinition[] }[] }[];
}

export type SeqCheck = 'in-order' | 'gap' | 'first';

export interface DeadDevice {
  device?: string;
  metrics: MetricDefinition[];
}

function certificate(metrics: readonly SparkplugMetric[]): Certificate {
  const cert: Certificate = { byAlias: new Map(), byName: new Map(), dead: false };
  for (const metric of metrics) {
    if (metric.name === undefined) continue; // a birth must name every metric; nothing to learn otherwise
    const unit = metric.properties.engUnit;
    const definition: MetricDefinition = {
      name: metric.name,
      ...(metric.alias !== undefined ? { alias: metric.alias } : {}),
      ...(metric.datatype !== undefined ? { datatype: metric.datatype } : {}),
      ...(typeof unit === 'string' ? { unit } : {}),
    };
    cert.byName.set(metric.name, definition);
    if (metric.alias !== undefined) cert.byAlias.set(metric.alias, definition);
  }
  return cert;
}

/** The birth/death sequence number NBIRTH and NDEATH carry, to pair a death with its birth. */
export function bdSeqOf(metrics: readonly SparkplugMetric[]): number | undefined {
  const raw = metrics.find((metric) => metric.name === 'bdSeq')?.raw;
  return raw?.longValue !== undefined ? Number(raw.longValue) : raw?.intValue;
}

/**
 * The Sparkplug host's view of each edge node: its birth certificates (metric names, aliases, datatypes,
 * units), the last seq seen, whether it is dead, and when a rebirth was last requested.
 */
export class BirthRegistry {
  private readonly nodes = new Map<string, NodeState>();
  /** Bumped on every birth and death, so the owner knows when to persist. */
  revision = 0;

  static restore(persisted: PersistedBirths): BirthRegistry {
    const registry = new BirthRegistry();
    const restored = (metrics: MetricDefinition[], dead: boolean): Certificate => ({
      byName: new Map(metrics.map((m) => [m.name, m])),
      byAlias: new Map(metrics.flatMap((m) => (m.alias !== undefined ? [[m.alias, m] as const] : []))),
      dead,
    });
    for (const node of persisted.nodes) {
      registry.nodes.set(registry.key(node.group, node.node), {
        dead: node.dead,
        node: restored(node.metrics, node.dead),
        devices: new Map(node.devices.map((d) => [d.device, restored(d.metrics, d.dead)])),
        ...(node.bdSeq !== undefined ? { bdSeq: node.bdSeq } : {}),
      });
    }
    return registry;
  }

  persist(): PersistedBirths {
    return {
      version: 1,
      nodes: [...this.nodes.entries()].map(([key, state]) => {
        const separator = key.indexOf('/');
        return {
          group: key.slice(0, separator),
          node: key.slice(separator + 1),
          ...(state.bdSeq !== undefined ? { bdSeq: state.bdSeq } : {}),
          dead: state.dead,
          metrics: [...state.node.byName.values()],
          devices: [...state.devices.entries()].map(([device, cert]) => ({ device, dead: cert.dead, metrics: [...cert.byName.values()] })),
        };
      }),
    };
  }

  private key(group: string, node: string): string {
    return `${group}/${node}`;
  }

  private nodeState(group: string, node: string): NodeState {
    const key = this.key(group, node);
    let state = this.nodes.get(key);
    if (!state) {
      state = { dead: false, node: certificate([]), devices: new Map() };
      this.nodes.set(key, state);
    }
    return state;
  }

  /** NBIRTH replaces everything known about the node: its devices must be born again after it. */
  nodeBirth(group: string, node: string, metrics: readonly SparkplugMetric[], seq: number | undefined): void {
    this.revision++;
    const previous = this.nodes.get(this.key(group, node));
    const bdSeq = bdSeqOf(metrics);
    this.nodes.set(this.key(group, node), {
      dead: false,
      node: certificate(metrics),
      devices: new Map(),
      ...(bdSeq !== undefined ? { bdSeq } : {}),
      ...(seq !== undefined ? { lastSeq: seq } : {}),
      ...(previous?.lastRebirthRequest !== undefined ? { lastRebirthRequest: previous.lastRebirthRequest } : {}),
    });
  }

  deviceBirth(group: string, node: string, device: string, metrics: readonly SparkplugMetric[]): void {
    this.revision++;
    this.nodeState(group, node).devices.set(device, certificate(metrics));
  }

  /** Seq runs 0..255 and wraps, per edge node, across NBIRTH, DBIRTH, NDATA, DDATA and DDEATH. */
  checkSeq(group: string, node: string, seq: number | undefined): SeqCheck {
    if (seq === undefined) return 'first';
    const state = this.nodeState(group, node);
    const last = state.lastSeq;
    state.lastSeq = seq;
    if (last === undefined) return 'first';
    return seq === (last + 1) % 256 ? 'in-order' : 'gap';
  }

  /** The definition a DATA metric refers to, by alias or else by name; undefined without a birth for it. */
  lookup(group: string, node: string, device: string | undefined, metric: SparkplugMetric): MetricDefinition | undefined {
    const state = this.nodes.get(this.key(group, node));
    const cert = device === undefined ? state?.node : state?.devices.get(device);
    if (!cert) return undefined;
    if (metric.alias !== undefined) return cert.byAlias.get(metric.alias);
    return metric.name === undefined ? undefined : cert.byName.get(metric.name);
  }

  isDead(group: string, node: string, device: string | undefined): boolean {
    const state = this.nodes.get(this.key(group, node));
    if (!state) return false;
    return state.dead || (device !== undefined && state.devices.get(device)?.dead === true);
  }

  /**
   * Marks the node and all its devices dead. An NDEATH whose bdSeq differs from the current NBIRTH's is
   * a late will from an earlier session and is ignored (undefined).
   */
  nodeDeath(group: string, node: string, bdSeq: number | undefined): DeadDevice[] | undefined {
    const state = this.nodes.get(this.key(group, node));
    if (!state) return [];
    if (state.bdSeq !== undefined && bdSeq !== undefined && state.bdSeq !== bdSeq) return undefined;
    this.revision++;
    state.dead = true;
    delete state.lastSeq;
    const dead: DeadDevice[] = [{ metrics: [...state.node.byName.values()] }];
    for (const [device, cert] of state.devices) {
      cert.dead = true;
      dead.push({ device, metrics: [...cert.byName.values()] });
    }
    return dead;
  }

  deviceDeath(group: string, node: string, device: string): DeadDevice {
    const cert = this.nodes.get(this.key(group, node))?.devices.get(device);
    if (!cert) return { device, metrics: [] };
    this.revision++;
    cert.dead = true;
    return { device, metrics: [...cert.byName.values()] };
  }

  /** True (and remembered) when no rebirth was requested from this node within `intervalMs`. */
  rebirthDue(group: string, node: string, now: number, intervalMs: number): boolean {
    const state = this.nodeState(group, node);
    if (state.lastRebirthRequest !== undefined && now - state.lastRebirthRequest < intervalMs) return false;
    state.lastRebirthRequest = now;
    return true;
  }
}
