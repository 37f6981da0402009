import { FileModelRegistry, type ModelEntry } from '@fieldmesh/ml';
import type { ModelsInUse, ModelVersionView } from '../../api/types';
import type { AlertBoard } from '../alerts/alert.board';

const MODEL_PREFIX = 'asset-health-';

function versionView(entry: ModelEntry, role: ModelVersionView['role']): ModelVersionView {
  const card = entry.card;
  return {
    name: entry.name,
    version: entry.version,
    role,
    created: card.created,
    description: card.description,
    algorithm: card.algorithm.name,
    threshold: card.threshold,
    features: [...card.inputs.features],
    metrics: { ...card.metrics },
  };
}

/**
 * The model versions serving each asset class: those the running asset-health operator reports when the
 * console runs beside it (`modelsInUse`), else what the operator would load from the model registry folder
 * (the class's model, configured or `asset-health-<class>`; its champion alias, else newest; its shadow
 * alias); and how many alerts each version opened, from the alert board.
 */
export class ModelsService {
  private readonly registry: FileModelRegistry;

  constructor(
    modelsDir: string,
    private readonly models: Record<string, string> | undefined,
    private readonly alerts: AlertBoard,
    private readonly running?: () => Record<string, { champion: string; shadow?: string }>,
  ) {
    this.registry = new FileModelRegistry(modelsDir);
  }

  /** `name@version` → the registry entry. */
  private entry(id: string): ModelEntry {
    const at = id.lastIndexOf('@');
    return this.registry.get(id.slice(0, at), id.slice(at + 1));
  }

  /** Per asset class: what the running operator reports, else what it would load from the registry folder. */
  private serving(): Record<string, { model: string; champion?: ModelEntry; shadow?: ModelEntry }> {
    if (this.running) {
      return Object.fromEntries(
        Object.entries(this.running()).map(([assetClass, ids]) => {
          const champion = this.entry(ids.champion);
          return [assetClass, { model: champion.name, champion, ...(ids.shadow ? { shadow: this.entry(ids.shadow) } : {}) }];
        }),
      );
    }
    const byClass =
      this.models ??
      Object.fromEntries(
        this.registry
          .names()
          .filter((n) => n.startsWith(MODEL_PREFIX))
          .map((n) => [n.slice(MODEL_PREFIX.length), n]),
      );
    return Object.fromEntries(
      Object.entries(byClass).map(([assetClass, model]) => {
        const champion = this.registry.versions(model).length > 0 ? this.registry.get(model) : undefined;
        const shadow = this.registry.shadow(model);
        return [assetClass, { model, ...(champion ? { champion } : {}), ...(shadow ? { shadow } : {}) }];
      }),
    );
  }

  inUse(): ModelsInUse {
    const opened = new Map<string, number>();
    for (const alert of this.alerts.list()) {
      if (!alert.modelName || !alert.modelVersion) continue;
      const id = `${alert.modelName}@${alert.modelVersion}`;
      opened.set(id, (opened.get(id) ?? 0) + 1);
    }
    return {
      assetClasses: Object.entries(this.serving())
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([assetClass, { model, champion, shadow }]) => ({
          assetClass,
          model,
          champion: champion ? versionView(champion, 'champion') : null,
          shadow: shadow ? versionView(shadow, 'shadow') : null,
          alertsByVersion: Object.fromEntries([...opened].filter(([id]) => id.startsWith(`${model}@`))),
        })),
    };
  }
}
