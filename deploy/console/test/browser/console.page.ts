import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type BrowserContext, type Page } from '@fieldmesh/testing';
import { expect } from 'vitest';

export const SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/**
 * `expect.poll` with room for a loaded machine: a page that renders charts while the pipeline runs can
 * take seconds to answer one query, and the default second would fail a console that works.
 */
export function eventually<T>(read: () => T | Promise<T>, timeoutMs = 30_000) {
  return expect.poll(read, { timeout: timeoutMs, interval: 250 });
}

/**
 * Opens the console in a new tab and signs in with `token` the way a person does: the token form, then
 * the page at `path`. Each tab has its own sessionStorage, so tabs of one browser can be different people.
 */
export async function signIn(context: BrowserContext, consoleUrl: string, token: string, path = '/catalog'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${consoleUrl}${path}`);
  await page.getByTestId('login-token').fill(token);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-token').waitFor({ state: 'detached' });
  return page;
}

/**
 * Saves a screenshot of the page as docs/screenshots/<name>.png when FIELDMESH_SCREENSHOTS=1 (the README
 * shows them); otherwise does nothing, so ordinary runs leave the tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.FIELDMESH_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  // Let fonts, charts and the graph layout settle: a screenshot mid-animation documents nothing.
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined); // pages that poll never idle
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
}
