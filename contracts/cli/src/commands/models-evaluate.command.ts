import { evaluatePredictions, readPredictions } from '@fieldmesh/ml';
import { UsageError, type CliCommand } from '../cli.command';

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function share(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(number) || number < 0 || number > 1) throw new UsageError(`${option} '${String(value)}' must be a share between 0 and 1`);
  return number;
}

export const modelsEvaluateCommand: CliCommand = {
  group: 'models',
  verb: 'evaluate',
  summary: 'point-wise F1, false- and missed-alarm rates, episode precision, recall and delay of per-timestamp predictions',
  help: `Usage: fieldmesh models evaluate --predictions <predictions.csv> [--json] [--min-f1 <share>] [--max-false-alarm-rate <share>]

Evaluates the per-timestamp predictions a backtest wrote
(npx tsx domains/asset-health/src/backtest.ts --recording <r.csv> --predictions-out <predictions.csv>).

Point-wise, as the SKAB benchmark scores detectors: precision, recall and F1 over timestamps; the
false-alarm rate (FAR) is the share of normal timestamps flagged, the missed-alarm rate (MAR) the share
of labelled timestamps not flagged. By episode, each asset on its own timeline: an episode is a maximal
run of labelled timestamps, an alarm a maximal run of flagged ones; recall = episodes with a flagged
timestamp, precision = alarms overlapping an episode, delay = first flagged timestamp − episode start.

Options:
  --predictions <file.csv>          the predictions (timestamp, assetPath, label, anomaly, predicted, ...)
  --json                            print the figures as JSON
  --min-f1 <share>                  exit 1 when the point-wise F1 is below it (e.g. 0.8)
  --max-false-alarm-rate <share>    exit 1 when the point-wise FAR is above it (e.g. 0.15)
  -h, --help                        this text`,
  options: { predictions: { type: 'string' }, json: { type: 'boolean' }, 'min-f1': { type: 'string' }, 'max-false-alarm-rate': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const file = args.values.predictions;
    if (typeof file !== 'string') throw new UsageError('--predictions is required');
    const minF1 = share(args.values['min-f1'], '--min-f1');
    const maxFar = share(args.values['max-false-alarm-rate'], '--max-false-alarm-rate');
    const result = evaluatePredictions(await readPredictions(file));
    const { pointwise: p, episodes: e } = result;
    if (args.values.json) io.out(JSON.stringify(result, null, 2));
    else {
      const delay = (seconds: number | null) => (seconds === null ? '-' : `${seconds.toFixed(0)} s`);
      io.out(
        [
          `${p.points} timestamps of ${result.assets} asset(s): ${p.truePositives + p.falseNegatives} labelled anomalous, ${p.truePositives + p.falsePositives} flagged`,
          `point-wise  precision ${percent(p.precision)}  recall ${percent(p.recall)}  F1 ${percent(p.f1)}`,
          `            false-alarm rate ${percent(p.falseAlarmRate)}  missed-alarm rate ${percent(p.missedAlarmRate)}`,
          `episodes    ${e.detected}/${e.episodes} detected (recall ${percent(e.recall)}); ${e.trueAlarms}/${e.alarms} alarms on an episode (precision ${percent(e.precision)})`,
          `            delay mean ${delay(e.meanDelaySeconds)}, median ${delay(e.medianDelaySeconds)}`,
        ].join('\n'),
      );
    }
    const failures = [
      ...(minF1 !== undefined && p.f1 < minF1 ? [`point-wise F1 ${percent(p.f1)} is below --min-f1 ${percent(minF1)}`] : []),
      ...(maxFar !== undefined && p.falseAlarmRate > maxFar ? [`false-alarm rate ${percent(p.falseAlarmRate)} is above --max-false-alarm-rate ${percent(maxFar)}`] : []),
    ];
    for (const failure of failures) io.err(failure);
    return failures.length > 0 ? 1 : 0;
  },
};
