import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { reloadBroker, type BrokerReloadTarget } from './broker.reload';
import { REVOCATION_REASONS, type RevocationReason } from './ca.store';
import { makeDeviceCsr } from './device.csr';
import { CERTIFICATE_TYPES, type CertificateType } from './identity';
import { SiteCa, type SubjectAltName } from './site.ca';

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  help: string;
}

interface CommandSpec {
  summary: string;
  options: Record<string, OptionSpec>;
  run(values: Values): Promise<void>;
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const RELOAD_OPTIONS: Record<string, OptionSpec> = {
  'reload-pid': { type: 'string', help: 'Send SIGHUP to this Mosquitto pid afterwards, so it re-reads the CRL and ACL.' },
  'reload-pid-file': { type: 'string', help: 'Same, reading the pid from this file (e.g. /run/mosquitto/mosquitto.pid).' },
};

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function positiveNumber(values: Values, name: string): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a positive number of days, not '${value}'`);
  return number;
}

function date(values: Values, name: string): Date | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date such as 2026-01-31T00:00:00Z, not '${value}'`);
  return parsed;
}

function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[], fallback?: T): T {
  const value = text(values, name) ?? fallback;
  if (value === undefined) throw new UsageError(`--${name} is required (${allowed.join(' | ')})`);
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

function repeated(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((entry) => typeof entry === 'string') : [];
}

function subjectAltNames(values: Values): SubjectAltName[] {
  return repeated(values, 'san').map((entry) => {
    const match = /^(dns|ip):(.+)$/.exec(entry);
    if (!match?.[1] || !match[2]) throw new UsageError(`--san must look like dns:broker.plant.local or ip:10.0.0.5, not '${entry}'`);
    return { type: match[1] as SubjectAltName['type'], value: match[2] };
  });
}

function reload(values: Values): void {
  const pid = text(values, 'reload-pid');
  const pidFile = text(values, 'reload-pid-file');
  const target: BrokerReloadTarget | undefined = pid !== undefined ? { pid: Number(pid) } : pidFile !== undefined ? { pidFile } : undefined;
  if (!target) return;
  console.log(`sent SIGHUP to mosquitto (pid ${reloadBroker(target)})`);
}

function caDir(values: Values): string {
  return resolve(text(values, 'dir') ?? process.env.FIELDMESH_CA_DIR ?? 'site-ca');
}

const COMMANDS: Record<string, CommandSpec> = {
  init: {
    summary: 'Create the site CA: key (ca.key.pem, mode 600), certificate (ca.crt.pem), index and an empty CRL.',
    options: {
      site: { type: 'string', help: 'Site name, put into every subject as O (letters, digits, . _ -).' },
      days: { type: 'string', help: 'CA certificate validity in days (default 3650).' },
      'crl-days': { type: 'string', help: 'Validity of each CRL in days (default 30); refresh it with `crl` well before.' },
    },
    async run(values) {
      const days = positiveNumber(values, 'days');
      const crlValidityDays = positiveNumber(values, 'crl-days');
      const ca = await SiteCa.init(caDir(values), { site: required(values, 'site'), ...(days ? { days } : {}), ...(crlValidityDays ? { crlValidityDays } : {}) });
      console.log(
        `site CA created in ${ca.dir}\n  certificate (give to brokers and clients as their CA file): ${ca.files.certificate}\n  CRL (the broker's crlfile): ${ca.files.crl}`,
      );
    },
  },
  csr: {
    summary: 'Make a device key and CSR (what a device does; openssl req works as well).',
    options: {
      id: { type: 'string', help: 'Device or gateway id: the CN and MQTT username.' },
      'key-out': { type: 'string', help: 'Where to write the private key (PKCS#8 PEM, mode 600).' },
      'csr-out': { type: 'string', help: 'Where to write the CSR (PEM).' },
    },
    async run(values) {
      const { keyPem, csrPem } = await makeDeviceCsr(required(values, 'id'));
      writeFileSync(required(values, 'key-out'), keyPem, { mode: 0o600 });
      writeFileSync(required(values, 'csr-out'), csrPem);
      console.log(`key ${text(values, 'key-out')}, CSR ${text(values, 'csr-out')}`);
    },
  },
  issue: {
    summary:
      "Sign a CSR. The subject is CN=<id>, OU=<type>, O=<site>; device and gateway certificates are for TLS clients, broker ones for the TLS server, operator ones sign gateways' desired states (fieldmesh fleet rollout).",
    options: {
      csr: { type: 'string', help: 'The CSR file (PEM).' },
      type: { type: 'string', help: `${CERTIFICATE_TYPES.join(' | ')}.` },
      out: { type: 'string', help: 'Where to write the certificate (PEM).' },
      id: { type: 'string', help: "The CN; defaults to the CSR's CN." },
      days: { type: 'string', help: 'Validity in days from now (default 365).' },
      'not-before': { type: 'string', help: 'Start of validity (ISO 8601); default now.' },
      'not-after': { type: 'string', help: 'End of validity (ISO 8601); overrides --days.' },
      san: { type: 'string', multiple: true, help: 'Subject alternative name, dns:<name> or ip:<address>; repeat. Required for brokers.' },
    },
    async run(values) {
      // Every usage mistake is reported before anything is read or signed.
      const [csr, out, type] = [required(values, 'csr'), required(values, 'out'), oneOf<CertificateType>(values, 'type', CERTIFICATE_TYPES)];
      const days = positiveNumber(values, 'days');
      const notBefore = date(values, 'not-before');
      const notAfter = date(values, 'not-after');
      const id = text(values, 'id');
      const names = subjectAltNames(values);
      const ca = await SiteCa.open(caDir(values));
      const { record, pem } = await ca.issue({
        csrPem: readFileSync(csr, 'utf8'),
        type,
        subjectAltNames: names,
        ...(id ? { id } : {}),
        ...(days ? { days } : {}),
        ...(notBefore ? { notBefore } : {}),
        ...(notAfter ? { notAfter } : {}),
      });
      writeFileSync(out, pem);
      console.log(`issued ${record.type} '${record.id}' serial ${record.serial}, valid ${record.notBefore} .. ${record.notAfter} -> ${out}`);
      if (record.type === 'gateway') console.log("a new gateway needs ACL rights: run 'ca acl' and reload the broker");
    },
  },
  revoke: {
    summary: 'Revoke a certificate and write the new CRL; with --reload-pid(-file) the broker refuses it from its next connection.',
    options: {
      serial: { type: 'string', help: "Serial number in hex (as 'list' prints it)." },
      cert: { type: 'string', help: 'Or the certificate file.' },
      reason: { type: 'string', help: `${REVOCATION_REASONS.join(' | ')} (default unspecified).` },
      ...RELOAD_OPTIONS,
    },
    async run(values) {
      const serial = text(values, 'serial');
      const cert = text(values, 'cert');
      if ((serial === undefined) === (cert === undefined)) throw new UsageError('give exactly one of --serial and --cert');
      const reason = oneOf<RevocationReason>(values, 'reason', REVOCATION_REASONS, 'unspecified');
      const ca = await SiteCa.open(caDir(values));
      const record = await ca.revoke(serial !== undefined ? { serial } : { certificatePem: readFileSync(cert ?? '', 'utf8') }, reason);
      console.log(`revoked ${record.type} '${record.id}' serial ${record.serial} (${reason}); CRL written to ${ca.files.crl}`);
      reload(values);
    },
  },
  crl: {
    summary: 'Write a fresh CRL (new number and validity). Run it daily: an expired CRL makes the broker refuse every client.',
    options: { out: { type: 'string', help: "Also copy it here (e.g. the broker's crlfile)." }, ...RELOAD_OPTIONS },
    async run(values) {
      const ca = await SiteCa.open(caDir(values));
      const file = await ca.writeCrl();
      const out = text(values, 'out');
      if (out) writeFileSync(out, readFileSync(file));
      console.log(`CRL written to ${out ?? file}`);
      reload(values);
    },
  },
  acl: {
    summary: 'Write the Mosquitto ACL (mosquitto.acl in the CA folder): each device its own topics, gateways read all. Regenerate after issuing a gateway.',
    options: {
      'device-pattern': { type: 'string', multiple: true, help: "Topic pattern a device may use, %u = its id; repeat. Default '+/+/+/+/%u/#' and 'spBv1.0/+/+/%u/#'." },
      ...RELOAD_OPTIONS,
    },
    async run(values) {
      const ca = await SiteCa.open(caDir(values));
      const patterns = repeated(values, 'device-pattern');
      console.log(`ACL written to ${ca.writeAcl(patterns.length > 0 ? { devicePatterns: patterns } : {})}`);
      reload(values);
    },
  },
  list: {
    summary: 'List issued certificates with their status (valid, expired, revoked, not yet valid).',
    options: { json: { type: 'boolean', help: 'Print JSON instead of a table.' } },
    async run(values) {
      const entries = (await SiteCa.open(caDir(values))).list();
      if (values.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      const rows = entries.map((entry) => [entry.serial, entry.type, entry.id, entry.status + (entry.revocation ? ` (${entry.revocation.reason})` : ''), entry.notAfter]);
      const table = [['SERIAL', 'TYPE', 'ID', 'STATUS', 'NOT AFTER'], ...rows];
      const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0))) ?? [];
      for (const row of table)
        console.log(
          row
            .map((cell, column) => cell.padEnd(widths[column] ?? 0))
            .join('  ')
            .trimEnd(),
        );
    },
  },
};

const COMMON: Record<string, OptionSpec> = {
  dir: { type: 'string', help: 'The CA folder (default $FIELDMESH_CA_DIR, else ./site-ca).' },
  help: { type: 'boolean', help: 'Show help.' },
};

function optionHelp(options: Record<string, OptionSpec>): string {
  return Object.entries(options)
    .map(([name, spec]) => `  --${`${name}${spec.type === 'string' ? ' <value>' : ''}`.padEnd(26)} ${spec.help}`)
    .join('\n');
}

function help(command?: string): string {
  const spec = command ? COMMANDS[command] : undefined;
  if (spec) return `Usage: ca ${command} [options]\n\n${spec.summary}\n\nOptions:\n${optionHelp({ ...spec.options, ...COMMON })}\n`;
  const commands = Object.entries(COMMANDS)
    .map(([name, entry]) => `  ${name.padEnd(8)} ${entry.summary}`)
    .join('\n');
  return `Usage: ca <command> [options]   (npx tsx edge-gateway/src/onboarding/ca.cli.ts ...)\n\nThe site CA for device onboarding: X.509 certificates for devices, gateways and the MQTT broker.\n\nCommands:\n${commands}\n\nCommon options:\n${optionHelp(COMMON)}\n\n'ca <command> --help' lists a command's options.\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(help());
    return command === undefined ? 2 : 0;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    process.stderr.write(`Unknown command '${command}'.\n\n${help()}`);
    return 2;
  }
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, ...COMMON }).map(([name, option]) => [name, { type: option.type, ...(option.multiple ? { multiple: true } : {}) }]),
  );
  try {
    const { values } = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(help(command));
      return 0;
    }
    await spec.run(values);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`ca ${command}: ${error instanceof Error ? error.message : String(error)}\n${usage ? `'ca ${command} --help' lists the options.\n` : ''}`);
    return usage ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
