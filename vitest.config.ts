import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Two projects in npm test: fast logic tests beside the code, and integration tests under test/ that run against
// the real services platform/stack installs and starts (platform/testing's global setup) once for the whole run;
// a third, long, holds fault suites too heavy for npm test, each run by its own test:long:* script.
const decorators = swc.vite({ jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2023' } });

export default defineConfig({
  plugins: [decorators],
  test: {
    projects: [
      {
        plugins: [decorators],
        test: {
          name: 'unit',
          include: [
            '{platform,contracts,connectors,domains,deploy}/*/src/**/*.test.ts',
            'deploy/console/web/src/**/*.test.ts',
            'edge-gateway/src/**/*.test.ts',
            'tools/**/*.test.ts',
          ],
          // The lint fixtures are workspaces that tools/module-boundaries.test.ts lints, not tests.
          exclude: ['**/node_modules/**', 'tools/lint-fixtures/**'],
        },
      },
      {
        plugins: [decorators],
        test: {
          name: 'integration',
          include: ['{platform,contracts,connectors,domains,deploy}/*/test/**/*.test.ts', 'edge-gateway/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.long.test.ts'],
          globalSetup: ['platform/testing/src/vitest.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        plugins: [decorators],
        test: {
          // Fault suites on the real services that are too long or too heavy for npm test: each has an npm script (test:long:*).
          name: 'long',
          include: ['{platform,contracts,connectors,domains,deploy}/*/test/**/*.long.test.ts'],
          globalSetup: ['platform/testing/src/vitest.global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
