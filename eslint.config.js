import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries are Nx tags (see each package.json "nx.tags"):
 *   scope:platform    shared libraries; import nothing above them
 *   scope:contracts   registry, contract CLI; may use platform
 *   scope:connectors  sources and sinks; may use platform
 *   scope:edge        the gateway; may use platform and connectors
 *   scope:domain      one per domain team; may use platform and connectors, never another domain
 *   scope:deploy-*    runnable wiring for people, one tag per deploy/ package, each naming what it runs:
 *     deploy-simulator  the simulated plant; platform only
 *     deploy-pipeline   the plant pipeline (gateway, domains, sink, registry) for the main job and tests
 *     deploy-console    the operations console: platform, contracts, connectors, and of a domain only its
 *                       public modules (the rule below); its browser tests run in front of the pipeline
 *     deploy-local      `npm start` and `npm run stack`: the pipeline and the console
 *     deploy-e2e, deploy-bench  end-to-end faults and soak, benchmarks: drive what deploy-local starts
 * A domain reads another domain's data only through its data products (topics), never its code.
 */
export const depConstraints = [
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts'] },
  { sourceTag: 'scope:connectors', onlyDependOnLibsWithTags: ['scope:platform'] },
  { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors'] },
  { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors'] },
  { sourceTag: 'scope:deploy-simulator', onlyDependOnLibsWithTags: ['scope:platform'] },
  {
    sourceTag: 'scope:deploy-pipeline',
    onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts', 'scope:connectors', 'scope:edge', 'scope:domain', 'scope:deploy-simulator'],
  },
  {
    sourceTag: 'scope:deploy-console',
    onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts', 'scope:connectors', 'scope:domain', 'scope:deploy-pipeline'],
  },
  {
    sourceTag: 'scope:deploy-local',
    onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts', 'scope:connectors', 'scope:edge', 'scope:domain', 'scope:deploy-pipeline', 'scope:deploy-console'],
  },
  { sourceTag: 'scope:deploy-e2e', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors', 'scope:edge', 'scope:deploy-local', 'scope:deploy-simulator'] },
  { sourceTag: 'scope:deploy-bench', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors', 'scope:edge', 'scope:deploy-local'] },
];

/**
 * A domain's public surface is its topics, its declaration (`domain`, which starts it) and, where a UI must
 * share its logic, a module it exports on purpose as its own entry point (`@fieldmesh/domain-<name>/<module>`,
 * a `*.public.ts` file). The console imports only those entry points.
 */
export const consoleBoundary = {
  files: ['deploy/console/**/*.ts', 'deploy/console/**/*.tsx'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^@fieldmesh/domain-[a-z0-9-]+$',
            message:
              "The console uses a domain only through a module the domain publishes for it (e.g. '@fieldmesh/domain-asset-health/alert-workflow') and its data products; export what it needs from the domain's *.public.ts.",
          },
        ],
      },
    ],
  },
};

/**
 * `@fieldmesh/testing` holds test helpers (fixtures, readers, a browser); what `npm start` and the
 * services run must not depend on it (the stack runner is `@fieldmesh/stack`). Test files may.
 */
export const testHelpersOutOfRuntime = {
  files: ['**/src/**/*.ts', '**/src/**/*.tsx'],
  ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', 'platform/testing/**'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { paths: [{ name: '@fieldmesh/testing', message: 'Runtime code must not depend on the test helpers; the stack runner is @fieldmesh/stack.' }] },
    ],
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.fieldmesh/**', '.nx/**', 'tools/lint-fixtures/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx, 'import-x': importX },
    languageOptions: {
      // One program for the whole repo (the root tsconfig.json) serves the type-aware rules below.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // A cycle through values makes module initialisation order matter (a class read before it is defined).
      // Type-only cycles are found by tools/cycles, which import-x skips.
      'import-x/no-cycle': 'error',
      // The promise rules of recommendedTypeChecked: an unawaited promise loses its rejection and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  consoleBoundary,
  testHelpersOutOfRuntime,
);
