// Lints this fixture workspace with the project's own module-boundary constraints.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { consoleBoundary, depConstraints, testHelpersOutOfRuntime } from '../../../eslint.config.js';

export default tseslint.config(
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }] },
  },
  consoleBoundary,
  { ...testHelpersOutOfRuntime, plugins: { '@typescript-eslint': tseslint.plugin } },
);
