// A verified survey in Debian's headless chromium on a phone, JavaScript off: the sign-in page,
// off to the (development) e-ID provider, back to the survey, answered. Checks that cookies and
// the strict CSP survive the round trip through another site, and runs axe on the sign-in page.
// Prints one JSON object; the Rust test judges it.
//   node eid.mjs SURVEY_URL CITIZEN_NAME SCREENSHOT_DIR [SOMEONE_ELSE_NAME]
// With SOMEONE_ELSE_NAME, that citizen signs in first: the page that says the survey is someone
// else's, its language switch, and its way back to signing in are checked on the phone.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [url, citizen, shots, someoneElse] = process.argv.slice(2);
const viewport = { width: 360, height: 640 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});

const out = { viewport };
try {
  const audit = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
  const auditPage = await audit.newPage();
  await auditPage.goto(url);
  await auditPage.evaluate(axeSource);
  const result = await auditPage.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  out.axe_sign_in = result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, help: v.help }));

  if (someoneElse) {
    const wrong = await browser.newContext({ viewport, locale: 'vi-VN', javaScriptEnabled: false, hasTouch: true, isMobile: true });
    const page = await wrong.newPage();
    await page.goto(url);
    await Promise.all([page.waitForNavigation(), page.click('a.button')]);
    const [landed] = await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${someoneElse}")`)]);
    out.wrong_status = landed ? landed.status() : null;
    out.wrong_heading = await page.textContent('h1');
    out.wrong_again = await page.locator('a.button').textContent();
    out.wrong_overflow = await page.evaluate(() => document.body.scrollWidth > window.innerWidth + 1);
    await page.screenshot({ path: path.join(shots, 'eid-not-the-applicant-360x640.png') });
    const [switched] = await Promise.all([page.waitForNavigation(), page.click('a.lang')]);
    out.switched_status = switched ? switched.status() : null;
    out.switched_heading = await page.textContent('h1');
    await Promise.all([page.waitForNavigation(), page.click('a.button')]);
    out.again_url = page.url();
    await wrong.close();
  }
  const phone = await browser.newContext({ viewport, locale: 'vi-VN', javaScriptEnabled: false, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await page.goto(url);
  out.sign_in_heading = await page.textContent('h1');
  out.form_before = await page.locator('form[method=post]').count();
  await page.screenshot({ path: path.join(shots, 'eid-sign-in-360x640.png') });
  await Promise.all([page.waitForNavigation(), page.click('a.button')]);
  out.provider_url = page.url();
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${citizen}")`)]);
  out.back_url = page.url();
  out.radios_after = await page.locator('input[type=radio]').count();
  const first = await page.$$eval('fieldset input[type=radio]', (els) => els[0] && els[0].name);
  await page.locator(`label:has(input[name="${first}"][value="4"])`).first().click();
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  out.after_submit_heading = await page.textContent('h1');
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
