import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllContracts, type LoadedContract } from '../contract.loader';
import { consumerExampleFor } from './consumer.example';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const options = { kafkaBrokers: '127.0.0.1:9092', registryUrl: 'http://127.0.0.1:8081' };

let contracts: LoadedContract[];
beforeAll(async () => {
  contracts = await loadAllContracts(root);
});

/**
 * Type-checks each source as an ES module beside this test (one program for all, so it runs once), so kafkajs
 * and the registry client resolve from the repo's node_modules. Returns the errors by source name.
 */
function typeErrors(sources: Record<string, string>): Record<string, string[]> {
  const files = new Map(Object.entries(sources).map(([name, text]) => [join(import.meta.dirname, `${name}.virtual.ts`), { name, text }]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.getSourceFile.bind(host);
  host.getSourceFile = (path, version, ...rest) => {
    const virtual = files.get(path);
    return virtual ? ts.createSourceFile(path, virtual.text, version) : readFile(path, version, ...rest);
  };
  host.fileExists = (
    (exists) => (path: string) =>
      files.has(path) || exists(path)
  )(host.fileExists.bind(host));
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = Object.fromEntries(Object.keys(sources).map((name) => [name, [] as string[]]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const name = diagnostic.file ? files.get(diagnostic.file.fileName)?.name : undefined;
    errors[name ?? '(global)'] = [...(errors[name ?? '(global)'] ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')];
  }
  return errors;
}

describe('consumerExampleFor', () => {
  it('names the topic, the brokers, the registry and the owner', () => {
    const scores = contracts.find(({ contract }) => contract.id === 'asset-health.anomaly-scores')!;
    const example = consumerExampleFor(scores, options);
    expect(example).toContain("topics: ['asset-health.anomaly-scores.v1']");
    expect(example).toContain("brokers: ['127.0.0.1:9092']");
    expect(example).toContain("new SchemaRegistry({ host: 'http://127.0.0.1:8081' })");
    expect(example).toContain('owned by asset-health <asset-health@fieldmesh.example>');
    expect(example).toContain('registry.decode(message.value)');
    // Field docs come from the contract, with units.
    expect(example).toMatch(/\/\*\* Squared Mahalanobis distance[^*]*\[1\] \*\/\n {2}score: number;/);
  });

  it('type-checks as TypeScript for every product (and the check catches a wrong example)', () => {
    const sources = Object.fromEntries(contracts.map((loaded) => [loaded.contract.id, consumerExampleFor(loaded, options)]));
    const errors = typeErrors({ ...sources, wrong: 'import { Kafka } from "kafkajs";\nexport const k: number = new Kafka({ brokers: [] });\n' });
    expect(errors.wrong).not.toEqual([]);
    delete errors.wrong;
    expect(errors).toEqual(Object.fromEntries(contracts.map(({ contract }) => [contract.id, []])));
  }, 60_000);
});
