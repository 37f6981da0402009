import { resolve } from 'node:path';
import { formatProblems } from '@fieldmesh/config';
import { LOCAL_STACK_DIR } from '@fieldmesh/stack';
import { USAGE, parseCli } from './cli.options';
import type { Output } from './command.output';
import { down, logs, resetWatermarksCommand, start, status, up } from './stack.commands';

// The CLI for people: `npm run stack -- up|down|status|logs|reset-watermarks` and `npm start`. See USAGE.
const output: Output = { out: (line) => console.log(line), err: (line) => console.error(line) };

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCli(argv);
  if (!parsed.ok) {
    output.err(`Invalid command line:\n${formatProblems(parsed.problems)}\nRun with --help for the commands and options.`);
    return 2;
  }
  const command = parsed.value;
  if (command.command === 'help') {
    output.out(USAGE);
    return 0;
  }
  const dir = resolve(command.dir ?? LOCAL_STACK_DIR);
  // Ctrl-C ends `start` and `logs -f` cleanly (`start` then stops the services). A terminal's Ctrl-C reaches
  // us twice under tsx (once from the terminal, once relayed by tsx), so only a second Ctrl-C a moment
  // later gives up waiting for the stop.
  const interrupted = new AbortController();
  if (command.command === 'start' || command.command === 'logs') {
    let firstAt = 0;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (!interrupted.signal.aborted) {
          firstAt = Date.now();
          interrupted.abort();
        } else if (Date.now() - firstAt > 1_000) process.exit(130);
      });
    }
  }
  switch (command.command) {
    case 'up':
      return up(command, dir, output);
    case 'down':
      return down(command, dir, output);
    case 'status':
      return status(command, dir, output);
    case 'logs':
      return logs(command, dir, output, interrupted.signal);
    case 'start':
      return start(command, dir, output, interrupted.signal);
    case 'reset-watermarks':
      return resetWatermarksCommand(command, dir, output);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    output.err(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
