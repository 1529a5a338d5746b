// Browser tests of the web pages, driven by the Rust test crates/cli/tests/browser.rs against a
// running `iotlabel serve --demo`. Each flow is what a person does; screenshots of every page
// visited go to SHOTS at phone and desktop width for review.
//
//   node tests/browser/flows.mjs BASE LABEL_URL DATA_DIR EXAMPLES_DIR SHOTS
import { chromium } from '../node/node_modules/playwright-core/index.mjs';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [base, labelUrl, data, examples, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.IOTLABEL_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const widths = { phone: 390, desktop: 1280 };
let failures = 0;

async function shoot(page, name) {
  for (const [label, width] of Object.entries(widths)) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
  }
}

async function flow(name, body) {
  // A fresh browser context per person: no cookies shared between them.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const errors = [];
  // Content-Security-Policy violations show as console errors ("Refused to ..."). Error
  // statuses of pages (a form answered with 422) are expected and not counted.
  page.on('console', m => { if (m.type() === 'error' && !/status of \d{3}/.test(m.text())) errors.push(m.text()); });
  try {
    await body(page);
    // A Content-Security-Policy violation shows as a console error.
    assert.deepEqual(errors, [], `console errors: ${errors.join('; ')}`);
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
    await page.screenshot({ path: `${shots}/FAILED-${name}.png`, fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}

const token = who => {
  if (who === 'operator') return readFileSync(`${data}/operator.token`, 'utf8').trim();
  const line = readFileSync(`${data}/demo-accounts.toml`, 'utf8').split('\n').find(l => l.startsWith(`"${who}"`));
  return line.split('=')[1].trim().replace(/^"|"$/g, '');
};

async function signIn(page, who) {
  await page.goto(`${base}/portal`);
  await page.fill('#token', token(who));
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/signin"] button[type=submit]')]);
}

// 1. A consumer scans the QR code on the box (decoded by the Rust side) and, with no
//    JavaScript, reads one answer.
await flow('consumer-reads-label', async page => {
  const response = await page.goto(labelUrl);
  assert.equal(response.status(), 200);
  assert.match(await page.textContent('h1'), /Genuine and current/);
  assert.match(await page.textContent('main'), /Security updates until/);
  assert.ok(await page.isVisible('a[href$="/technical"]'), 'link to the technical page');
  await shoot(page, 'label');
  await page.goto(`${labelUrl}?lang=de`);
  assert.match(await page.textContent('h1'), /Echt und gültig/);
  await shoot(page, 'label-de');
  await page.click('a[href*="/technical"]');
  assert.match(await page.textContent('h1'), /\S/);
  assert.ok(await page.isVisible('#provisions'), 'every provision');
  assert.ok(await page.isVisible('#history'), 'status history');
  await shoot(page, 'technical');
});

// 2. The scheme operator suspends that label; the consumer then sees it suspended.
await flow('operator-suspends-consumer-sees-it', async page => {
  const id = labelUrl.split('/L/')[1];
  await signIn(page, 'operator');
  await page.goto(`${base}/portal/labels/${id}`);
  await page.check('input[name=action][value=suspend]');
  await page.fill('#reason', 'Browser test: suspended while a report is investigated');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/status"] button[type=submit]')]);
  await shoot(page, 'portal-label');
  const consumer = await page.context().browser().newContext({ javaScriptEnabled: false });
  const view = await consumer.newPage();
  await view.goto(labelUrl);
  assert.match(await view.textContent('h1'), /Suspended/);
  assert.match(await view.textContent('main'), /Browser test: suspended/);
  await shoot(view, 'label-suspended');
  await consumer.close();
});

// 3. A manufacturer submits a declaration (a new software version) and sees its label.
await flow('manufacturer-submits-and-sees-label', async page => {
  await signIn(page, 'Acme Devices Ltd');
  await shoot(page, 'portal-home');
  await page.goto(`${base}/portal/submit`);
  const declaration = readFileSync(`${examples}/smart-plug/declaration.toml`, 'utf8')
    .replace(/software_version = "[^"]*"/, 'software_version = "2.0.0"');
  await page.fill('#text', declaration);
  await page.click('summary');
  await page.fill('#process_text', readFileSync(`${examples}/acme-process.toml`, 'utf8'));
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/portal/submit"] button[type=submit]')]);
  await shoot(page, 'portal-submitted');
  const link = page.locator('a[href*="/L/"]').first();
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(await page.textContent('main'), /2\.0\.0/);
  assert.match(await page.textContent('h1'), /Genuine and current|known attack/);
});

// 4. Hostile text is shown as text, never run.
await flow('guided-form-keeps-input-and-escapes', async page => {
  await signIn(page, 'Acme Devices Ltd');
  await page.goto(`${base}/portal/declare`);
  await shoot(page, 'portal-declare');
  const model = page.locator('input[name$="model"]').first();
  if (await model.count()) {
    await model.fill('<script>alert(1)</script>');
    await Promise.all([page.waitForNavigation(), page.locator('form button[type=submit]').last().click()]);
    assert.equal(await page.locator('input[name$="model"]').first().inputValue(), '<script>alert(1)</script>');
    assert.equal(await page.locator('script').count(), 0, 'no script element on the page');
  }
});

// 5. A policymaker opens the dashboard: every chart is drawn, with its data.
await flow('dashboard-renders-charts', async page => {
  const response = await page.goto(`${base}/dashboard`);
  assert.equal(response.status(), 200);
  const charts = page.locator('figure');
  assert.ok(await charts.count() >= 4, `charts: ${await charts.count()}`);
  const images = page.locator('figure img, figure svg');
  assert.ok(await images.count() >= 4, 'chart images');
  for (const img of await page.locator('figure img').all()) {
    // The image decoded (an SVG that failed to parse has no natural width).
    assert.ok(await img.evaluate(i => i.complete && i.naturalWidth > 0), 'chart image renders');
  }
  assert.ok(await page.locator('a[href$=".csv"]').count() >= 1, 'data as CSV');
  await shoot(page, 'dashboard');
});

// 6. The knowledge space, search and the disclosure form render for everyone.
await flow('knowledge-search-report', async page => {
  for (const [path, name] of [['/', 'home'], ['/knowledge', 'knowledge'], ['/knowledge/crosswalks', 'crosswalks'], ['/search?level=2', 'search'], ['/report', 'report']]) {
    const response = await page.goto(`${base}${path}`);
    assert.equal(response.status(), 200, path);
    await shoot(page, name);
  }
  // A buyer looks for expired labels (the demo has one, expired by the registry's sweep) and
  // opens it: the answer says so.
  await page.goto(`${base}/search?status=expired`);
  const expired = page.locator('tbody th a').first();
  assert.ok(await expired.count() === 1, 'the demo has an expired label');
  await expired.click();
  assert.match(await page.textContent('#answer'), /expired/i);
  await shoot(page, 'label-expired');
});

await browser.close();
process.exit(failures ? 1 : 0);
