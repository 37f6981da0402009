import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (Profiler.stop) the summary needs. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  /** `name (file:line)`; files relative to the repository, node_modules by package. */
  function: string;
  /** Where the code lives: a package name, a repository folder, or a V8 category such as (garbage collector). */
  area: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time the thread was idle, waiting for I/O. */
  idlePercent: number;
  functions: HotFunction[];
  areas: Array<{ area: string; selfMs: number; selfPercent: number }>;
}

function areaOf(url: string, root: string): string {
  if (!url) return 'V8 / Node internals';
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1]!;
  const local = relative(root, path);
  // Repository code by package folder: edge-gateway, connectors/mqtt, platform/kafka…
  const [first, second] = local.split('/');
  return first === 'edge-gateway' ? first : `${first}/${second}`;
}

function labelOf(frame: CpuProfile['nodes'][number]['callFrame'], root: string): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/(.+)$/.exec(path);
  const file = inModules ? inModules[1]! : path.startsWith('node:') ? path : relative(root, path);
  // Code that tsx compiled reports no usable line (0): the file alone is then the honest location.
  return frame.lineNumber > 0 ? `${name} (${file}:${frame.lineNumber + 1})` : `${name} (${file})`;
}

/**
 * Self time per function and per area from a sampled CPU profile: sample time deltas are charged to
 * the node on top of the stack, so the figures add up to the profile's duration (less the profiler's
 * own inspector calls).
 */
export function summariseProfile(profile: CpuProfile, root: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // The profiler's own session (Profiler.stop serialising the profile) is not the code under test.
    if (byId.get(samples[i]!)?.callFrame.url === 'node:inspector') continue;
    selfById.set(samples[i]!, (selfById.get(samples[i]!) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const totalUs = [...selfById.values()].reduce((sum, us) => sum + us, 0);
  const functions = new Map<string, { area: string; us: number }>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfById) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') idleUs += us;
    const area = frame.functionName.startsWith('(') && !frame.url ? frame.functionName : areaOf(frame.url, root);
    const label = labelOf(frame, root);
    const entry = functions.get(label) ?? { area, us: 0 };
    entry.us += us;
    functions.set(label, entry);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const percent = (us: number) => (totalUs > 0 ? Math.round((1000 * us) / totalUs) / 10 : 0);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(totalUs),
    idlePercent: percent(idleUs),
    functions: [...functions]
      .filter(([label]) => label !== '(idle)')
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([label, { area, us }]) => ({ function: label, area, selfMs: ms(us), selfPercent: percent(us) })),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, selfMs: ms(us), selfPercent: percent(us) })),
  };
}
