// Fills a survey on a 360×640 phone viewport in Debian's headless chromium (JavaScript off, as
// on the slowest phones), checks touch targets, and runs axe (WCAG 2.1 A/AA) on the form and
// on the page shown after answering. Prints one JSON object; the Rust test judges it.
//   node survey.mjs SURVEY_URL SCREENSHOT_DIR
import path from 'node:path';
import { axe, launch } from './common.mjs';

const [url, shots] = process.argv.slice(2);
const viewport = { width: 360, height: 640 };

const browser = await launch();


const out = { viewport };
try {
  // axe needs script in the page: a separate context that bypasses our strict CSP for it.
  const audit = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
  const auditPage = await audit.newPage();
  await auditPage.goto(url);
  out.axe_form = await axe(auditPage);

  // The citizen: no JavaScript, a finger on the labels.
  const phone = await browser.newContext({ viewport, locale: 'vi-VN', javaScriptEnabled: false, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  const response = await page.goto(url);
  out.form_status = response.status();
  out.lang = await page.getAttribute('html', 'lang');
  await page.screenshot({ path: path.join(shots, 'survey-top-360x640.png') });
  const heights = await page.$$eval('.opts label, button[type=submit]', (els) => els.map((e) => e.getBoundingClientRect().height));
  out.smallest_target_px = Math.min(...heights);
  out.horizontal_overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
    .catch(() => null);
  const names = await page.$$eval('fieldset input[type=radio]', (els) => [...new Set(els.map((e) => e.name))]);
  for (const name of names) {
    const preferred = page.locator(`label:has(input[name="${name}"][value="4"])`);
    const choice = (await preferred.count()) > 0 ? preferred : page.locator(`label:has(input[name="${name}"][value="0"])`);
    await choice.first().click();
  }
  out.questions = names.length;
  await page.fill('#comment', 'Cán bộ hướng dẫn rất tận tình.');
  await page.screenshot({ path: path.join(shots, 'survey-360x640.png'), fullPage: false });
  await page.screenshot({ path: path.join(shots, 'survey-360-full.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  out.after_submit_heading = await page.textContent('h1');
  await page.screenshot({ path: path.join(shots, 'thanks-360x640.png') });

  await auditPage.goto(url);
  out.axe_answered = await axe(auditPage);
  out.answered_heading = await auditPage.textContent('h1');
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
