/**
 * Screenshots of the demo's four sections for the README: pnpm --filter @gated/demo screenshots
 * (after a build; needs a system Chromium, see e2e/harness.ts). Writes docs/section-*.png.
 */
import { join } from 'node:path';
import {
  chartSeries,
  demoRoot,
  findChromium,
  launchChromium,
  openDemo,
  serveBuild,
} from '../e2e/harness';

const chromium = findChromium();
if (!chromium)
  throw new Error('No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH');
const { server, url } = await serveBuild();
const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({
    viewport: { width: 1150, height: 900 },
    deviceScaleFactor: 1,
  });
  await openDemo(page, url);
  const waitForCount = async (testId: string, index: number, count: number) => {
    for (let i = 0; i < 1200; i++) {
      if (((await chartSeries(page, testId))[index]?.count ?? 0) >= count) return;
      await page.waitForTimeout(250);
    }
    throw new Error(`${testId}: fewer than ${count} points after 5 minutes`);
  };
  const shoot = async (id: string) => {
    const path = join(demoRoot, 'docs', `section-${id}.png`);
    await page.getByTestId(`section-${id}`).screenshot({ path });
    console.log(`wrote ${path}`);
  };

  await page
    .getByTestId('recall-input')
    .fill('K1 x3 x4 x1 x0 x5 x2 x3 x0 x4 x1 x2 x5 x3 x0 x1 x4 x2 x5 x0 x3 ?');
  await page.getByTestId('gradient-chart').waitFor();
  await page.waitForTimeout(500);
  await shoot('lstm');

  await page.getByTestId('compare-train').click();
  await waitForCount('compare-loss', 0, 400);
  await page.waitForTimeout(500);
  await shoot('compare');

  const bottleneckFinished = () =>
    page
      .getByTestId('bottleneck-status')
      .getByText(/^Finished/)
      .waitFor({ timeout: 600_000 });
  await page.getByTestId('bottleneck-train').click();
  await bottleneckFinished();
  await page.locator('#reverse-source').check();
  await page.getByTestId('bottleneck-train').click();
  await page
    .getByTestId('bottleneck-status')
    .getByText(/^Training/)
    .waitFor();
  await bottleneckFinished();
  await shoot('bottleneck');

  await page.getByTestId('attention-input').fill('June 5, 2026');
  await page.getByTestId('attention-heatmap').waitFor();
  await page.waitForTimeout(300);
  await shoot('attention');
} finally {
  await browser.close();
  await server.close();
}
