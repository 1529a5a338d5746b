// Screenshots of pages at phone and desktop width, for people to look at:
//   node tests/browser/shot.mjs OUT_DIR URL...
import { chromium } from '../node/node_modules/playwright-core/index.mjs';
const [out, ...urls] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.IOTLABEL_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [name, width] of [['phone', 390], ['desktop', 1280]]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  for (const url of urls) {
    await page.goto(url);
    const file = `${out}/${url.replace(/^https?:\/\/[^/]+\//, '').replace(/[^a-zA-Z0-9]+/g, '_') || 'home'}-${name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await page.close();
}
await browser.close();
