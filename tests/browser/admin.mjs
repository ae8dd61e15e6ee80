// Walks the admin pages in Vietnamese as an administrator would, in Debian's headless chromium:
// a refused form on each page, then one that works (post, redirect, get), and the confirmations
// before disabling an account, revoking a key and closing an agency. After every step it
// collects the page's visible text, the English message words found in it, and axe's findings.
// Prints one JSON object; the Rust test judges it.
//   node admin.mjs BASE_URL EMAIL PASSWORD SCREENSHOT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, email, password, shots] = process.argv.slice(2);

// Words of English messages; data (e-mails, codes) and the "English" switch are not messages.
const ENGLISH = /\b(the|cannot|already|exists|must|please|invalid|required|not found|expired|characters|give|choose|account|agency|password|saved|added|revoked|closed)\b/i;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
const out = { steps: [] };
let step = 0;

async function record(page, name, response) {
  step += 1;
  const text = await page.evaluate(() => document.body.innerText);
  const words = text.split(/\s+/).filter((w) => !w.includes('@') && !/^[A-Z0-9._-]+$/.test(w));
  const english = [...new Set(words.filter((w) => ENGLISH.test(w)))];
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  await page.screenshot({ path: path.join(shots, `admin-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  out.steps.push({
    name,
    status: response ? response.status() : null,
    url: page.url().replace(base, ''),
    lang: await page.getAttribute('html', 'lang'),
    english,
    notice: await page.locator('.notice').allInnerTexts(),
    field_errors: await page.locator('.field-error').allInnerTexts(),
    axe: result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, help: v.help })),
  });
}

async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await submit(page, 'button[type=submit]');

  // Accounts: a short password is refused beside its field, what was typed kept.
  await record(page, 'users', await page.goto(`${base}/admin/users`));
  await page.fill('#add-email', 'xa.moi@angiang.test');
  await page.selectOption('#add-role', 'agency');
  await page.fill('#add-agency', 'AG-X-OCEO');
  await page.fill('#add-password', 'ngắn');
  await record(page, 'users-refused', await submit(page, 'form[action="/admin/users"] button[type=submit]'));
  out.kept_email = await page.inputValue('#add-email');
  await page.fill('#add-password', 'một mật khẩu đủ dài');
  await record(page, 'users-added', await submit(page, 'form[action="/admin/users"] button[type=submit]'));
  // Disabling asks first.
  await record(page, 'users-disable-asked', await submit(page, 'tr:has-text("xa.moi@angiang.test") form[action$="/disable"] button[type=submit]'));
  await record(page, 'users-disabled', await submit(page, 'form[action$="/disable"] button[type=submit]'));

  // API keys: an empty name is refused; a key is created, then revoked after a confirmation.
  await record(page, 'keys', await page.goto(`${base}/admin/api-clients`));
  await page.fill('#create-name', '   ');
  await page.evaluate(() => document.querySelector('#create-name').removeAttribute('required'));
  await record(page, 'keys-refused', await submit(page, 'form[action="/admin/api-clients"] button[type=submit]'));
  await page.fill('#create-name', 'Hệ thống một cửa điện tử');
  await record(page, 'keys-created', await submit(page, 'form[action="/admin/api-clients"] button[type=submit]'));
  await record(page, 'keys-revoke-asked', await submit(page, 'form[action="/admin/api-clients/revoke"] button[type=submit]'));
  await record(page, 'keys-revoked', await submit(page, 'form[action="/admin/api-clients/revoke"] button[type=submit]'));

  // Questionnaires: weights that do not sum to 1 are refused in Vietnamese, the text kept.
  await record(page, 'questionnaires', await page.goto(`${base}/admin/questionnaires`));
  const bad = JSON.stringify({
    version: '2027.9',
    dimensions: [{ code: 'a', name_vi: 'A', name_en: 'A', weight: 0.7 }, { code: 'b', name_vi: 'B', name_en: 'B', weight: 0.6 }],
    items: [{ code: 'A1', dimension: 'a', kind: 'likert5', direction: null, text_vi: 'x', text_en: 'x' },
      { code: 'B1', dimension: 'b', kind: 'likert5', direction: null, text_vi: 'y', text_en: 'y' }],
  });
  await page.fill('#publish-definition', bad);
  await record(page, 'questionnaires-refused', await submit(page, 'form[action="/admin/questionnaires"] button[type=submit]'));
  out.kept_definition = (await page.inputValue('#publish-definition')) === bad;

  // Agencies: a commune under a commune is refused; one under the province is added; closing
  // it asks first.
  await record(page, 'agencies', await page.goto(`${base}/admin/agencies`));
  await page.fill('#add-code', 'AG-X-THUNGHIEM');
  await page.fill('#add-name_vi', 'Ủy ban nhân dân xã Thử Nghiệm');
  await page.fill('#add-name_en', 'Thu Nghiem Commune');
  await page.selectOption('#add-level', 'commune');
  await page.selectOption('#add-kind', 'commune');
  await page.fill('#add-parent', 'AG-X-OCEO');
  await record(page, 'agencies-refused', await submit(page, 'form[action="/admin/agencies"] button[type=submit]'));
  await page.fill('#add-parent', 'AG');
  await record(page, 'agencies-added', await submit(page, 'form[action="/admin/agencies"] button[type=submit]'));
  await page.fill('#close-code', 'AG-X-OCEO');
  await page.fill('#close-effective_on', '2026-04-01');
  await page.fill('#close-successor', 'AG-P-RACHGIA');
  await record(page, 'agencies-close-asked', await submit(page, 'form[action="/admin/agencies/close"] button[type=submit]'));
  await record(page, 'agencies-closed', await submit(page, 'form[action="/admin/agencies/close"] button[type=submit]'));
  await context.close();
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
