// Signs in and takes screenshots of a dashboard on desktop (1280×800) and phone (360×640)
// viewports in Debian's headless chromium, checking that nothing overflows sideways on the
// phone outside scrollable tables, and running axe. Prints one JSON object.
//   node dashboards.mjs BASE_URL EMAIL PASSWORD PATH NAME SCREENSHOT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, email, password, target, name, shots] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
const out = {};
try {
  for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 640 }]]) {
    const context = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const response = await page.goto(`${base}${target}`, { timeout: 60000 });
    out[`${size}_status`] = response.status();
    out[`${size}_heading`] = await page.textContent('h1');
    out[`${size}_svg`] = await page.locator('svg').count();
    out[`${size}_overflow`] = await page.evaluate(() => document.body.scrollWidth > window.innerWidth + 1);
    // The smallest text drawn in a chart, in CSS pixels as rendered (a chart scaled down to a
    // phone's width would shrink its 12 px text).
    out[`${size}_chart_text_min_px`] = await page.evaluate(() => {
      const heights = [...document.querySelectorAll('svg text')].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0);
      return heights.length ? Math.min(...heights) : null;
    });
    await page.screenshot({ path: path.join(shots, `${name}-${size}.png`), fullPage: false });
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
    out[`${size}_axe`] = result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, help: v.help }));
    await context.close();
  }
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
