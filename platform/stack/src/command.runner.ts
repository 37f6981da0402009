import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { ServiceInstallError } from './errors';

export interface RunOptions {
  /** The stack service this command installs or prepares; named in the error. */
  service: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Also append the output to this log file. */
  logFile?: string;
  /** Stream the output to our stderr as it comes (long installs show progress). */
  echo?: boolean;
}

/** Runs a command to completion; a non-zero exit throws ServiceInstallError with the output's last lines. */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<string> {
  const commandLine = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (options.logFile) appendFileSync(options.logFile, chunk);
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new ServiceInstallError(options.service, commandLine, error.message, { cause: error })));
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const tail = output.trimEnd().split('\n').slice(-30).join('\n');
        reject(new ServiceInstallError(options.service, commandLine, `${tail}\n(exit code ${code}, signal ${signal})`));
      }
    });
  });
}
