// What every console browser suite needs (tests/console/*_test.js, run by
// run_console_test.sh): the fixture the shell wrote, counted checks, axe-core on a page
// (evaluated through DevTools, because the console's CSP refuses inline script tags),
// full-page screenshots named console_<suite>_<name>.png, a signed-in page in its own
// browser context, and Debian's chromium launched headless with the checks summed up.
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// suite: the name in the screenshots and the summary line ("stats", "roster", ...).
function harness(suite) {
  const fx = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const base = fx.base;
  let failures = 0;
  let checks = 0;

  function check(ok, what) {
    checks++;
    if (!ok) failures++;
    console.log((ok ? 'ok   ' : 'FAIL ') + what);
  }

  async function axe(page, name) {
    const has = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!has) await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    for (const v of found) console.log(`  axe ${name}: ${v.impact} ${v.id} x${v.nodes}`);
    check(!found.some((v) => v.impact === 'serious' || v.impact === 'critical'),
          `axe: no serious/critical violations on ${name}`);
  }

  async function shot(page, name) {
    fs.mkdirSync(fx.screenshots, { recursive: true });
    await page.screenshot({ path: path.join(fx.screenshots, `console_${suite}_${name}.png`),
                            fullPage: true });
  }

  // Signs `who` ({name, password}) in on `page` (1366x768).
  async function signIn(page, who) {
    await page.setViewport({ width: 1366, height: 768 });
    await page.goto(base + '/console/login', { waitUntil: 'load' });
    await page.type('#name', who.name);
    await page.type('#password', who.password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#login-submit')]);
  }

  // A new page in its own browser context (its own cookies), signed in as `who`.
  async function signedIn(browser, who) {
    const page = await (await browser.createBrowserContext()).newPage();
    await signIn(page, who);
    return page;
  }

  const bodyText = (page) => page.evaluate(() => document.body.innerText);

  // Launches chromium, runs `body(browser)`, counts an exception as a failure, prints
  // the summary and exits 0 only when every check passed.
  async function run(body) {
    const browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: (process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []).concat(
        ['--disable-dev-shm-usage', '--lang=zh-CN', '--font-render-hinting=none']),
    });
    try {
      await body(browser);
    } catch (e) {
      failures++;
      console.log('FAIL exception: ' + (e && e.stack ? e.stack : e));
    } finally {
      await browser.close();
    }
    console.log(`console-test ${suite}: ${checks} checks, ${failures} failed`);
    process.exit(failures === 0 ? 0 : 1);
  }

  return { fx, base, check, axe, shot, signIn, signedIn, bodyText, run };
}

module.exports = { harness };
