import type { LabelledEpisode } from './recording.reader';

/** The failure modes of the episodes of an asset that overlap [startMs, endMs). */
export function modesDuring(episodes: readonly LabelledEpisode[], assetPath: string, startMs: number, endMs: number): string[] {
  return episodes.filter((episode) => episode.assetPath === assetPath && episode.startMs < endMs && episode.endMs > startMs).map((episode) => episode.mode);
}
