import { UsageError, type CliCommand } from '../cli.command';
import { importRecording } from '../recording.import';
import { isTimeZone } from '../zoned-time';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const dataImportCommand: CliCommand = {
  group: 'data',
  verb: 'import',
  summary: 'bring your own labelled time series (long or wide CSV) in as a recording the features export, training and backtest read',
  help: `Usage: fieldmesh data import <file.csv>... --out <recording.csv> --asset-class <class> --timezone <zone> [options]

Reads labelled time series and writes one recording: <recording.csv> (UTC timestamps sorted across all
files and assets, one column per <asset>.<signal>, a label column of <asset>:<mode> entries) and
<recording>.mapping.yaml beside it (label.column: label). Then:
  npx tsx domains/asset-health/src/features-export.ts --recording <recording.csv> --out features.csv
  tools/ml/train.py --features features.csv --asset-class <class> ...
  npx tsx domains/asset-health/src/backtest.ts --recording <recording.csv> --predictions-out predictions.csv
  fieldmesh models evaluate --predictions predictions.csv
Files may come in any order and need not be sorted in time; everything is held in memory, then sorted.
Parquet is not read: export it to CSV first (e.g. pandas.read_parquet(...).to_csv(...)).

Formats:
  wide  (default) a time column, one column per signal, optionally an asset and a label column.
        Without --asset or --asset-column each file is its own asset, named <folder>-<file name>
        (data/valve1/3.csv → valve1-3), so recordings of separate runs stay separate.
  long  one reading per row: time, asset, signal, value (and optionally a label) columns.

Options:
  --out <file.csv>          the recording to write (its mapping goes beside it)
  --asset-class <class>     asset class of every asset, e.g. pump (picks the model asset-health-<class>)
  --timezone <zone>         IANA zone of timestamps without one (e.g. Europe/Moscow, UTC); required when
                            the data has zoneless timestamps, which are refused rather than read as local
  --format <wide|long>      input layout (default wide)
  --delimiter <char>        field separator (default ','; SKAB and many European exports use ';')
  --time-column <name>      timestamp column (default timestamp): ISO 8601 or epoch milliseconds
  --label-column <name>     label per row: 0/1 (also 0.0/1.0, true/false) or a failure mode name
  --asset <name>            wide: the asset of every row of every file
  --asset-column <name>     the column naming each row's asset (long: default asset)
  --signal-column <name>    long: the signal column (default signal)
  --value-column <name>     long: the value column (default value)
  --columns <a,b,...>       wide: the signal columns to take (default: all but time, asset and label)
  -h, --help                this text

Signal names become snake case (Volume Flow RateRMS → volume_flow_raterms); non-numeric cells are
skipped and counted. Progress goes to stderr every 100,000 lines of a file.`,
  options: {
    out: { type: 'string' },
    'asset-class': { type: 'string' },
    timezone: { type: 'string' },
    format: { type: 'string' },
    delimiter: { type: 'string' },
    'time-column': { type: 'string' },
    'label-column': { type: 'string' },
    asset: { type: 'string' },
    'asset-column': { type: 'string' },
    'signal-column': { type: 'string' },
    'value-column': { type: 'string' },
    columns: { type: 'string' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
  async run(args, io) {
    const v = args.values;
    const out = text(v.out);
    const assetClass = text(v['asset-class']);
    if (!out || !assetClass) throw new UsageError('--out and --asset-class are required');
    if (!/\.csv$/.test(out)) throw new UsageError(`--out '${out}' must end in .csv (the mapping is written beside it as <name>.mapping.yaml)`);
    const format = text(v.format) ?? 'wide';
    if (format !== 'wide' && format !== 'long') throw new UsageError(`--format '${format}' is neither wide nor long`);
    const timeZone = text(v.timezone);
    if (timeZone !== undefined && !isTimeZone(timeZone)) throw new UsageError(`--timezone '${timeZone}' is not an IANA time zone (e.g. Europe/Berlin, UTC)`);
    const delimiter = text(v.delimiter) ?? ',';
    if (delimiter.length !== 1) throw new UsageError(`--delimiter '${delimiter}' must be one character`);
    if (text(v.asset) && text(v['asset-column'])) throw new UsageError('--asset and --asset-column exclude each other');
    const assetColumn = text(v['asset-column']) ?? (format === 'long' ? 'asset' : undefined);
    const labelColumn = text(v['label-column']);
    const asset = text(v.asset);
    const columns = text(v.columns)
      ?.split(',')
      .map((c) => c.trim());
    const started = Date.now();
    const summary = await importRecording({
      files: args.positionals,
      out,
      format,
      assetClass,
      delimiter,
      timeColumn: text(v['time-column']) ?? 'timestamp',
      signalColumn: text(v['signal-column']) ?? 'signal',
      valueColumn: text(v['value-column']) ?? 'value',
      ...(timeZone ? { timeZone } : {}),
      ...(labelColumn ? { labelColumn } : {}),
      ...(asset ? { asset } : {}),
      ...(assetColumn ? { assetColumn } : {}),
      ...(columns ? { columns } : {}),
      progressLines: 100_000,
      onProgress: (file, lines, done) => io.err(`${file}: ${lines.toLocaleString('en-US')} lines${done ? ', done' : '…'}`),
    });
    io.out(
      `${summary.csv}: ${summary.rows} timestamps, ${summary.readings} readings of ${summary.assets.length} asset(s) × ${summary.signals.length} signal(s) ` +
        `(${summary.signals.join(', ')}); ${summary.labelledPoints} labelled timestamps${labelColumn ? '' : ' (no --label-column)'}; ${summary.skippedCells} non-numeric cells skipped; ` +
        `mapping ${summary.mapping}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  },
};
