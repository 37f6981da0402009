import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI imports `can` from @fieldmesh/auth so buttons follow the one permission matrix. That package also
 * holds the Node-only token store (fs, crypto, zod); its modules only declare things, so marking them free
 * of side effects lets the bundle keep the matrix and drop the rest.
 */
function permissionsOnly(): Plugin {
  return {
    name: 'fieldmesh-auth-permissions-only',
    transform(code, id) {
      return id.includes('/platform/auth/src/') ? { code, moduleSideEffects: false } : undefined;
    },
  };
}

// The console server serves web/dist itself and builds it through Vite's JS API with this file, so paths
// are absolute to this folder whatever the caller's working directory. `vite dev` proxies the API to a
// console started separately (FIELDMESH_CONSOLE_URL, default the server's default port).
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), permissionsOnly()],
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // The token store's Node imports are shimmed and then dropped with it (see permissionsOnly): not news.
      onwarn(warning, warn) {
        if (warning.message.includes('externalized for browser compatibility') && warning.message.includes('/platform/auth/')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.FIELDMESH_CONSOLE_URL ?? 'http://127.0.0.1:8090' },
  },
});
