// A counter's kiosk on a tablet, portrait (800×1280) and landscape (1280×800), in Debian's
// headless chromium: enrolled from its set-up link, a citizen types a receipt's code with
// JavaScript off, answers, and is thanked; touch targets and overflow are measured, and axe
// (WCAG 2.1 A/AA) runs on the set-up page, the keypad (also with a refused code), the survey
// and the thank-you page; in portrait the thank-you page is left alone until it goes back to the
// keypad by itself. Prints one JSON object; the Rust test judges it.
//   node kiosk.mjs BASE_URL ENROL_PATH CODES_JSON SCREENSHOT_DIR
// CODES_JSON: {"800x1280": {"citizen": "...", "audit": "..."}, "1280x800": {...}}
import path from 'node:path';
import { axe, launch } from './common.mjs';

const [base, enrolPath, codesJson, shots] = process.argv.slice(2);
const codes = JSON.parse(codesJson);

const browser = await launch();


async function enrol(page) {
  await page.goto(base + enrolPath);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function typeCode(page, code) {
  await page.fill('#code', code);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function answerAll(page) {
  const names = await page.$$eval('fieldset input[type=radio]', (els) => [...new Set(els.map((e) => e.name))]);
  for (const name of names) {
    const preferred = page.locator(`label:has(input[name="${name}"][value="4"])`);
    const choice = (await preferred.count()) > 0 ? preferred : page.locator(`label:has(input[name="${name}"][value="0"])`);
    await choice.first().click();
  }
  return names.length;
}

const out = {};
try {
  for (const [size, { citizen, audit }] of Object.entries(codes)) {
    const [width, height] = size.split('x').map(Number);
    const viewport = { width, height };
    const r = {};

    // The citizen: no JavaScript, fingers on a tablet.
    const tablet = await browser.newContext({ viewport, locale: 'vi-VN', javaScriptEnabled: false, hasTouch: true });
    const page = await tablet.newPage();
    await enrol(page);
    r.keypad_url = page.url();
    r.lang = await page.getAttribute('html', 'lang');
    await page.screenshot({ path: path.join(shots, `kiosk-keypad-${size}.png`) });
    const targets = await page.$$eval('input.code, button[type=submit]', (els) => els.map((e) => e.getBoundingClientRect().height));
    r.smallest_keypad_target_px = Math.min(...targets);
    r.keypad_overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth).catch(() => null);
    await typeCode(page, citizen);
    r.survey_heading = await page.textContent('h1');
    const optionHeights = await page.$$eval('.opts label, button[type=submit]', (els) => els.map((e) => e.getBoundingClientRect().height));
    r.smallest_survey_target_px = Math.min(...optionHeights);
    r.survey_overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth).catch(() => null);
    r.questions = await answerAll(page);
    await page.screenshot({ path: path.join(shots, `kiosk-survey-${size}.png`) });
    const [thanks] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    r.thanks_heading = await page.textContent('h1');
    r.refresh = thanks.headers().refresh || null;
    await page.screenshot({ path: path.join(shots, `kiosk-thanks-${size}.png`) });
    if (size === '800x1280') {
      // Left alone, the page goes back to the keypad by itself (no script).
      const shown = Date.now();
      await page.waitForURL('**/kiosk?lang=vi', { timeout: 45000 });
      r.returned_after_s = (Date.now() - shown) / 1000;
    } else {
      await Promise.all([page.waitForNavigation(), page.click('a.button')]);
    }
    r.back_at_keypad = (await page.locator('#code').count()) === 1;
    r.keypad_empty = (await page.inputValue('#code')) === '';

    // The audit: axe needs script, in a context that bypasses the strict CSP for it.
    const auditContext = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
    const a = await auditContext.newPage();
    await a.goto(base + enrolPath);
    r.axe_enrol = await axe(a);
    await Promise.all([a.waitForNavigation(), a.click('button[type=submit]')]);
    r.axe_keypad = await axe(a);
    await typeCode(a, '123');
    r.axe_refused = await axe(a);
    await typeCode(a, audit);
    r.axe_survey = await axe(a);
    await answerAll(a);
    await Promise.all([a.waitForNavigation(), a.click('button[type=submit]')]);
    r.axe_thanks = await axe(a);
    out[size] = r;
  }
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
