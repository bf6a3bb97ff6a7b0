/**
 * Screenshots of the demo for the README: pnpm --filter @gated/demo screenshots (after a build;
 * needs a system Chromium, see e2e/harness.ts). Writes docs/section-*.png (the four sections) and
 * docs/view-*.png (the explainer's views, one each, and the page at 390 px).
 */
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
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
const shot = async (what: Locator, name: string) => {
  const path = join(demoRoot, 'docs', `${name}.png`);
  await what.screenshot({ path });
  console.log(`wrote ${path}`);
};
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
  const finished = (testId: string) =>
    page
      .getByTestId(testId)
      .getByText(/^Finished/)
      .waitFor({ timeout: 600_000 });

  // 1. The LSTM, and the belt trained in the page.
  await page
    .getByTestId('recall-input')
    .fill('K1 x3 x4 x1 x0 x5 x2 x3 x0 x4 x1 x2 x5 x3 x0 x1 x4 x2 x5 x0 x3 ?');
  await page.getByTestId('gradient-chart').waitFor();
  await page.getByTestId('belt-train').click();
  await finished('belt-status');
  await page.waitForTimeout(500);
  await shot(page.getByTestId('belt'), 'view-belt');
  await shot(page.getByTestId('section-lstm'), 'section-lstm');

  // 2. GRU vs LSTM.
  await page.getByTestId('compare-train').click();
  await waitForCount('compare-loss', 0, 400);
  await page.waitForTimeout(500);
  await shot(page.getByTestId('section-compare'), 'section-compare');

  // 3. The bottleneck: the same date with and without attention, then the copy task three ways.
  await page.getByTestId('compare-date').fill('2028/02/07');
  await page.getByTestId('attention-compare-with').waitFor();
  await page.waitForTimeout(500);
  await shot(page.getByTestId('attention-compare'), 'view-compare');
  const train = async (button: string) => {
    await page.getByTestId(button).click();
    await page
      .getByTestId('bottleneck-status')
      .getByText(/^Training/)
      .waitFor();
    await finished('bottleneck-status');
  };
  await train('bottleneck-train');
  await page.locator('#reverse-source').check();
  await train('bottleneck-train');
  await page.locator('#reverse-source').uncheck();
  await train('bottleneck-train-attention');
  await shot(page.getByTestId('section-bottleneck'), 'section-bottleneck');

  // 4. Attention: the answer, one decoder step, the beam tree, a what-if, honest answers.
  const ask = async (text: string) => {
    await page.getByTestId('attention-input').fill(text);
    await page.waitForTimeout(800);
  };
  await ask('June 5, 2026');
  await page.getByTestId('beam-size').fill('4');
  await page.waitForTimeout(800);
  for (let i = 0; i < 5; i++) await page.getByTestId('attention-step-next').click();
  await page.locator('.term[data-term="alpha"]').hover();
  await page.waitForTimeout(300);
  await shot(page.getByTestId('attention-step'), 'view-attention-step');
  await page.mouse.move(0, 0);
  await shot(page.getByTestId('beam-view'), 'view-beam');
  await shot(page.getByTestId('section-attention'), 'section-attention');
  await page.getByTestId('attention-force').first().click();
  await page.waitForTimeout(800);
  await shot(page.getByTestId('what-if-view'), 'view-what-if');
  await ask('Feb 30, 2001');
  await shot(page.getByTestId('attention-answer'), 'view-honest-feb30');
  await page.locator('#attention-model').selectOption('g2p');
  await page.getByTestId('attention-input').fill('“ZEBRA,”');
  await page.getByTestId('answer-read').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500);
  await shot(page.getByTestId('attention-answer'), 'view-honest-zebra');

  // The page at 390 px: no sideways scroll.
  const narrow = await browser.newPage({ viewport: { width: 390, height: 1400 } });
  await openDemo(narrow, url);
  await narrow.getByTestId('attention-heatmap').waitFor({ timeout: 60_000 });
  await narrow.locator('#attention').scrollIntoViewIfNeeded();
  await narrow.waitForTimeout(500);
  await shot(narrow.locator('#attention'), 'view-narrow');
} finally {
  await browser.close();
  await server.close();
}
