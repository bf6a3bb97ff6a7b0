import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** A system Chromium: `CHROMIUM_PATH`, else Debian's or Chrome's usual place. Never downloaded. */
export function findChromium(): string | undefined {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  if (fromEnvironment) {
    if (!existsSync(fromEnvironment))
      throw new Error(`CHROMIUM_PATH is ${fromEnvironment}, which does not exist`);
    return fromEnvironment;
  }
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Chromium for a suite of browser tests; without one, a warning that `tests` are left out, or an
 * error where `GATED_E2E=required` (as in CI, where .ci/run installs Chromium).
 */
export function chromiumFor(tests: string): string | undefined {
  const path = findChromium();
  if (path) return path;
  const message = 'No Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH).';
  if (process.env.GATED_E2E === 'required') throw new Error(message);
  console.warn(`\n  ${message} ${tests} are left out.\n`);
  return undefined;
}

/** The demo as a suite of browser tests meets it. */
export interface DemoPage {
  browser: Browser;
  /** The demo at 1200 × 900, opened and ready. */
  page: Page;
  /** What the page logged as errors since it opened (collectPageErrors). */
  errors: string[];
  url: string;
}

/**
 * Serves the build and opens it in headless Chromium before the suite's tests, closing both after
 * them; `onOpen` hands the suite its page.
 */
export function useDemoPage(chromiumPath: string, onOpen: (demo: DemoPage) => void): void {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    let url: string;
    ({ server, url } = await serveBuild());
    browser = await launchChromium(chromiumPath);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = collectPageErrors(page);
    await openDemo(page, url);
    onOpen({ browser, page, errors, url });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** Serves `dist/` (with the COOP/COEP headers) on a free port. */
export async function serveBuild(): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync(join(demoRoot, 'dist', 'index.html')))
    throw new Error('apps/demo/dist is missing: run `pnpm --filter @gated/demo build` first');
  const server = await preview({
    root: demoRoot,
    logLevel: 'silent',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('preview: no TCP address');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** Messages the page logged as errors, and uncaught exceptions, from now on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('crash', () => errors.push('the page crashed'));
  return errors;
}

/** Waits until the worker's backend is up and the sections are rendered. */
export async function openDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('section-attention').waitFor({ timeout: 60_000 });
}

/** The series summary a `LineChart` exposes for tests: first and last y and the count. */
export async function chartSeries(
  page: Page,
  testId: string,
): Promise<Array<{ name: string; count: number; first?: number; last?: number }>> {
  const raw = await page.getByTestId(testId).getAttribute('data-series');
  return JSON.parse(raw ?? '[]');
}
