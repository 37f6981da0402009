import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchBrowser, type TestBrowser } from '../src/index';

const PAGE = `<!doctype html><title>probe</title>
<button data-testid="go" onclick="document.getElementById('out').textContent = 'clicked'">Go</button>
<p id="out">waiting</p>`;

describe('the test browser', () => {
  let server: Server;
  let url: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchBrowser({ viewport: { width: 640, height: 360 } });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("is Debian's chromium, installed through apt when missing", async () => {
    expect(await ensureChromium()).toBe('/usr/bin/chromium');
    expect(existsSync('/usr/bin/chromium')).toBe(true);
  });

  it('renders a localhost page headless, clicks and takes a screenshot', async () => {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.getByTestId('go').click();
    await expect.poll(() => page.locator('#out').textContent()).toBe('clicked');
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(640); // IHDR width
  });
});
