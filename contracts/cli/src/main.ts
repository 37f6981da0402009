import { runCli } from './cli';

const io = {
  out: (text: string) => process.stdout.write(`${text}\n`),
  err: (text: string) => process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};

// exitCode rather than exit(): stdout is flushed before the process ends, also when piped.
process.exitCode = await runCli(process.argv.slice(2), io);
