import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

interface SpaRequest {
  method: string;
  path: string;
}

interface SpaResponse {
  sendFile(path: string, options: { root: string }, callback: (error?: Error) => void): void;
}

/**
 * Serves the built UI: files from dist (hashed assets cached for a year), and index.html for any other
 * GET outside /api so that React Router's path routes (/catalog/…, /alerts/…) load on a reload or a link.
 *
 * index.html goes by its name under `root`: Express's sendFile refuses an absolute path with a dot segment
 * (404), so a checkout under a hidden folder such as ~/.cache would answer 404 for every page. With `root`
 * only the name is checked, as express.static checks only the request path below dist.
 */
export function serveSpa(app: NestExpressApplication, dist: string): void {
  app.useStaticAssets(dist, {
    index: false,
    setHeaders: (response: { setHeader(name: string, value: string): void }, path: string) => {
      if (path.includes(`${join(dist, 'assets')}`)) response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use((request: SpaRequest, response: SpaResponse, next: (error?: unknown) => void) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path === '/api' || request.path.startsWith('/api/')) return next();
    response.sendFile('index.html', { root: dist }, (error) => error && next(error));
  });
}
