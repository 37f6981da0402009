import { buildPlant, type FailureEpisode, type InjectFailureRequest, PROCESS_MODES, type SimulatorHandle } from '@fieldmesh/simulator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureInjector } from './failure.injector';
import { DEFAULT_FAILURES } from './plant.pipeline';

const START_MS = 1_795_000_000_000;

/** The simulated plant as the injector sees it: its assets, its clock (moved by the test) and its injectFailure. */
function fakePlant(): { simulator: SimulatorHandle; advance(plantMs: number): void } {
  let plantTimeMs: number | undefined;
  let episodes = 0;
  const simulator = {
    config: { startTimeMs: START_MS },
    plant: buildPlant(),
    stats: () => ({ plantTimeMs }),
    injectFailure: (request: InjectFailureRequest): FailureEpisode => {
      episodes += 1;
      return { id: `episode-${episodes}`, assetPath: request.asset, mode: request.mode, startMs: plantTimeMs!, endMs: plantTimeMs! + request.durationSeconds * 1000 };
    },
  } as unknown as SimulatorHandle;
  return { simulator, advance: (plantMs) => void (plantTimeMs = (plantTimeMs ?? START_MS) + plantMs) };
}

/** Runs the injector for `wallSeconds` on a plant `speed` times faster than the wall clock; returns what it injected. */
function run(wallSeconds: number, speed: number, schedule = DEFAULT_FAILURES): FailureEpisode[] {
  const { simulator, advance } = fakePlant();
  const injector = new FailureInjector(simulator, schedule);
  injector.start();
  for (let ms = 0; ms < wallSeconds * 1000; ms += 50) {
    advance(50 * speed);
    vi.advanceTimersByTime(50);
  }
  injector.stop();
  return injector.injected;
}

const plantSecondsOf = (episodes: FailureEpisode[]) => episodes.map((episode) => Math.round((episode.startMs - START_MS) / 1000));

describe('FailureInjector', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('starts episodes on plant time: the same onsets whether the plant runs 10× the wall clock or at real time', () => {
    const fast = run(120, 10);
    const slow = run(1200, 1);
    expect(plantSecondsOf(fast)).toEqual(plantSecondsOf(slow));
    expect(fast.map((episode) => [episode.assetPath, episode.mode])).toEqual(slow.map((episode) => [episode.assetPath, episode.mode]));
    // An onset lands on the first look at the clock after it: within one poll (2.5 plant seconds at 10×).
    for (const [i, second] of plantSecondsOf(slow).entries())
      expect(second).toBeGreaterThanOrEqual(DEFAULT_FAILURES.firstAfterPlantSeconds + i * DEFAULT_FAILURES.everyPlantSeconds);
  });

  it('finishes at least eight episodes, of every process mode, in the plant time of a two-minute main job at 10×', () => {
    const finished = run(120, 10).filter((episode) => episode.endMs <= START_MS + 1_200_000);
    expect(finished.length).toBeGreaterThanOrEqual(8);
    expect(new Set(finished.map((episode) => episode.mode))).toEqual(new Set(PROCESS_MODES));
  });

  it('never gives an asset an episode while it fails or rests after its last one', () => {
    const episodes = run(600, 10);
    expect(episodes.length).toBeGreaterThan(30);
    for (const [i, episode] of episodes.entries()) {
      const earlier = episodes.slice(0, i).filter((other) => other.assetPath === episode.assetPath);
      for (const other of earlier) expect(episode.startMs - other.endMs, `${episode.id} on ${episode.assetPath}`).toBeGreaterThanOrEqual(DEFAULT_FAILURES.restPlantSeconds * 1000);
    }
  });
});
