// The citizen's experience of a survey, measured: on a 360×640 phone in Debian's headless
// chromium with JavaScript off, each survey is answered as a citizen would (one tap per
// question, then the send button) and the taps and the page's height in screens are counted.
// In the same language, axe (WCAG 2.1 A/AA) runs on the form, and the page's script is checked
// for tofu: distinct characters that render as identical boxes mean no font has the script.
// Prints one JSON object; the Rust test judges it.
//   node experience.mjs LANG SCREENSHOT_DIR SURVEY_URL...
import path from 'node:path';
import { axe, launch } from './common.mjs';

const [lang, shots, ...urls] = process.argv.slice(2);
const viewport = { width: 360, height: 640 };
const locales = { vi: 'vi-VN', en: 'en-GB', km: 'km-KH' };

const browser = await launch();


// Draws each of the page's first distinct non-ASCII letters in the legend's font and counts
// the distinct drawings: a missing script draws every letter as the same box.
async function glyphs(page) {
  return page.evaluate(() => {
    const sample = document.querySelector('legend') || document.querySelector('h1');
    const font = getComputedStyle(sample).font;
    const letters = [...new Set([...document.body.innerText].filter((c) => c.charCodeAt(0) > 0x24f && /\p{L}/u.test(c)))].slice(0, 12);
    const drawings = new Set();
    for (const letter of letters) {
      const canvas = document.createElement('canvas');
      canvas.width = 48; canvas.height = 48;
      const context = canvas.getContext('2d');
      context.font = font;
      context.textBaseline = 'top';
      context.fillText(letter, 4, 4);
      drawings.add(canvas.toDataURL());
    }
    return { letters: letters.length, distinct: drawings.size, font };
  });
}

const out = { lang, viewport, runs: [] };
try {
  const audit = await browser.newContext({ viewport, locale: locales[lang], bypassCSP: true });
  const auditPage = await audit.newPage();
  await auditPage.goto(`${urls[0]}?lang=${lang}`);
  out.axe_form = await axe(auditPage);
  out.glyphs = await glyphs(auditPage);

  for (const [index, url] of urls.entries()) {
    const phone = await browser.newContext({ viewport, locale: locales[lang], javaScriptEnabled: false, hasTouch: true, isMobile: true });
    const page = await phone.newPage();
    await page.goto(`${url}?lang=${lang}`);
    const run = { lang: await page.getAttribute('html', 'lang') };
    run.height_px = await page.evaluate(() => document.documentElement.scrollHeight).catch(() => null);
    if (run.height_px === null) {
      // Without JavaScript evaluate is refused: measure through the screenshot's size.
      const shot = await page.screenshot({ fullPage: true });
      run.height_px = shot.readUInt32BE(20);
    }
    run.screens = run.height_px / viewport.height;
    run.horizontal_overflow = (await page.screenshot({ fullPage: true })).readUInt32BE(16) > viewport.width;
    if (index === 0) {
      await page.screenshot({ path: path.join(shots, `survey-${lang}-360x640.png`) });
      await page.screenshot({ path: path.join(shots, `survey-${lang}-360-full.png`), fullPage: true });
    }
    let taps = 0;
    const names = await page.$$eval('fieldset input[type=radio]', (els) => [...new Set(els.map((e) => e.name))]);
    for (const name of names) {
      const preferred = page.locator(`label:has(input[name="${name}"][value="4"])`);
      const choice = (await preferred.count()) > 0 ? preferred : page.locator(`label:has(input[name="${name}"][value="1"])`);
      await choice.first().tap();
      taps += 1;
    }
    run.questions = names.length;
    await Promise.all([page.waitForNavigation(), page.tap('button[type=submit]')]);
    taps += 1;
    run.taps = taps;
    run.after = await page.textContent('h1');
    out.runs.push(run);
    await phone.close();
  }
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
