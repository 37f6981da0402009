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
 *   scope:deploy      runnable wiring for people; may use anything
 * A domain reads another domain's data only through its data products (topics), never its code.
 */
export const depConstraints = [
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts'] },
  { sourceTag: 'scope:connectors', onlyDependOnLibsWithTags: ['scope:platform'] },
  { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors'] },
  { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:platform', 'scope:connectors'] },
  { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['*'] },
];

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
);
