import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseWith } from '@fieldmesh/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ModelCardInvalid, ModelNotFound } from './errors';
import { modelCardSchema, type ModelCard } from './model-card';

/** One model version on disk. */
export interface ModelEntry {
  name: string;
  version: string;
  dir: string;
  modelFile: string;
  card: ModelCard;
}

const aliasesSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string().regex(/^\d+\.\d+\.\d+$/));

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * A model registry in a folder: `<root>/<name>/<version>/model.onnx` + `model-card.yaml`, and optionally
 * `<root>/<name>/aliases.yaml` mapping aliases to versions (`champion: 1.0.0`, `shadow: 1.1.0`). Without a
 * champion alias the newest version is the champion. Files are the source of truth, so a model is
 * promoted by a reviewed commit of its alias file.
 */
export class FileModelRegistry {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  names(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .filter((name) => statSync(join(this.root, name)).isDirectory())
      .sort();
  }

  /** The versions of a model, oldest first. */
  versions(name: string): string[] {
    const dir = join(this.root, name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((version) => /^\d+\.\d+\.\d+$/.test(version) && existsSync(join(dir, version, 'model-card.yaml')))
      .sort(compareVersions);
  }

  aliases(name: string): Record<string, string> {
    const file = join(this.root, name, 'aliases.yaml');
    if (!existsSync(file)) return {};
    const parsed = parseWith(aliasesSchema, parseYaml(readFileSync(file, 'utf8')) ?? {});
    if (!parsed.ok) throw new ModelCardInvalid(file, parsed.problems);
    return parsed.value;
  }

  /**
   * A model version by number or alias; without one, the champion. An alias without a version behind it
   * (a `shadow` nobody set) is a ModelNotFound, as is an unknown version.
   */
  get(name: string, versionOrAlias = 'champion'): ModelEntry {
    const versions = this.versions(name);
    const aliases = this.aliases(name);
    let version: string | undefined = /^\d+\.\d+\.\d+$/.test(versionOrAlias) ? versionOrAlias : aliases[versionOrAlias];
    if (!version && versionOrAlias === 'champion') version = versions.at(-1);
    if (!version || !versions.includes(version)) {
      throw new ModelNotFound(
        this.root,
        name,
        versionOrAlias,
        versions.map((v) => `${name}@${v}`),
      );
    }
    return this.load(name, version);
  }

  /** The shadow version of a model, if its aliases name one. */
  shadow(name: string): ModelEntry | undefined {
    return this.aliases(name).shadow ? this.get(name, 'shadow') : undefined;
  }

  private load(name: string, version: string): ModelEntry {
    const dir = join(this.root, name, version);
    const cardFile = join(dir, 'model-card.yaml');
    const parsed = parseWith(modelCardSchema, parseYaml(readFileSync(cardFile, 'utf8')));
    if (!parsed.ok) throw new ModelCardInvalid(cardFile, parsed.problems);
    if (parsed.value.name !== name || parsed.value.version !== version) {
      throw new ModelCardInvalid(cardFile, [{ path: 'name', message: `the card says ${parsed.value.name}@${parsed.value.version} but lives in ${name}/${version}` }]);
    }
    return { name, version, dir, modelFile: join(dir, 'model.onnx'), card: parsed.value };
  }
}
