import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureDebianExecutable, ServiceStartError } from '@fieldmesh/stack';

/**
 * Browser tests drive Debian's Chromium: test tools that download their own browser cannot reach their
 * download hosts from CI machines, while Debian's package registry is reachable.
 */
export function ensureChromium(): Promise<string> {
  // Liberation fonts give screenshots the metrics of common web fonts instead of fallback glyphs.
  return ensureDebianExecutable('chromium', 'chromium', ['chromium', 'fonts-liberation']);
}

// The background-networking flags matter: without them Chromium calls Google's hosts at every start and
// those connections are refused on closed networks, slowing and cluttering each run.
const CHROMIUM_ARGS = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchBrowserOptions {
  /** Viewport of the context's pages; screenshots have this size. */
  viewport?: { width: number; height: number };
}

/** A headless Chromium with a fresh profile; `close()` ends the browser and removes the profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium (installing it when missing) headless with an empty, throw-away profile, so
 * no state leaks between runs. Playwright's persistent context is the only way to pass our own
 * `--user-data-dir`.
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  const executablePath = await ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'fieldmesh-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new ServiceStartError('chromium', `${executablePath} did not launch headless (${reason})`, undefined, '', { cause: error });
  }
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
