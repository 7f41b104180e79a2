// Catalog publishing in a real browser (issue 13 items 4 and 5): Debian's chromium via
// puppeteer-core, axe-core on every catalog page. Run by run_console_test.sh --suite
// catalog, which has published 2026.12.1 (低保 1300) with yimen-admin and writes
// fixture.json with the files to upload.
// usage: node catalog_test.js FIXTURE_JSON
//   A reviewer is refused the page; the supervisor uploads a broken catalog (the path of
//   the problem is shown, nothing saved), uploads a changed one (低保 1350 from today),
//   reads the diff (1300 → 1350), publishes it; then makes an upcoming version in the
//   form (1400 from 2099-01-01) and publishes that too. Screenshots console_catalog_*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const { harness } = require('./harness');

const { fx, base, check, axe, shot, signIn, signedIn, bodyText, run: runSuite } =
  harness('catalog');

// Puts a whole catalog into the upload form (typing 200 KB would take minutes) and sends it.
async function upload(page, file) {
  const json = fs.readFileSync(file, 'utf8');
  await page.evaluate((text) => { document.getElementById('catalog-json').value = text; }, json);
  return Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#catalog-check')]);
}

async function publish(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#catalog-publish')]);
}

async function run(browser) {
  const reviewer = await signedIn(browser, fx.reviewer);
  const refused = await reviewer.goto(base + '/console/catalog', { waitUntil: 'load' });
  check(refused.status() === 403, `a reviewer is refused the catalog page (${refused.status()})`);
  check(!(await reviewer.$('a[href="/console/catalog"]')), 'a reviewer has no catalog link');

  const page = await signedIn(browser, fx.supervisor);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[href="/console/catalog"]')]);
  let t = await bodyText(page);
  check(t.includes('正在使用的版本') && t.includes('2026.12.1'), 'the page shows the version in force');
  await axe(page, 'catalog');
  await shot(page, 'index');

  const [broken] = await upload(page, fx.broken_file);
  t = await bodyText(page);
  check(broken.status() === 400, `a broken catalog is refused (${broken.status()})`);
  check(t.includes('services/dibao.json: standards[4].amount_yuan'), 'the refusal names the file and path');
  await axe(page, 'catalog refused');
  await shot(page, 'refused');

  await upload(page, fx.changed_file);
  check(page.url().endsWith('/console/catalog/v/' + fx.changed_version), 'a good upload opens its draft');
  t = await bodyText(page);
  check(t.includes('草稿'), 'the upload is a draft until published');
  check(t.includes(`最低生活保障（低保） 标准（全市城乡统一）: 1300 → 1350 元/人/月, 生效 ${fx.today}`),
        'the diff reads 低保 1300 → 1350 with its date');
  await axe(page, 'catalog diff');
  await shot(page, 'diff');
  await publish(page);
  t = await bodyText(page);
  check(t.includes(`已发布版本 ${fx.changed_version}`), 'published, and said so');
  check((await page.$eval('#catalog-current', (e) => e.innerText)).includes(fx.changed_version),
        'the published version is the one in force');

  // The form: a new figure from a later date, made from the version in force.
  await page.$eval('#edit-version', (e) => { e.value = ''; });
  await page.type('#edit-version', '2099.1.1');
  await page.$eval('#edit-effective', (e) => { e.value = '2099-01-01'; });
  await page.type('#edit-source', '市民政局关于2099年提高低保标准的通知');
  await page.$eval('#amount-dibao-0', (e) => { e.value = ''; });
  await page.type('#amount-dibao-0', '1400');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#catalog-make-draft')]);
  t = await bodyText(page);
  check(t.includes('最低生活保障（低保） 标准（全市城乡统一）: 1350 → 1400 元/人/月, 生效 2099-01-01'),
        'the form makes a draft whose diff reads 1350 → 1400 from 2099-01-01');
  check(t.includes('生效日期: ' + fx.today + ' → 2099-01-01'), 'the diff names the new effective date');
  await publish(page);
  t = await bodyText(page);
  check(t.includes('即将生效的版本') && t.includes('2099.1.1'), 'the catalog page lists the upcoming version');
  await axe(page, 'catalog upcoming');
  await shot(page, 'published');

  // The JSON API answers the same (GET with the session cookie).
  const api = await page.evaluate(async () => (await fetch('/api/office/v1/catalogs')).json());
  check(api.current && api.current.version === fx.changed_version && api.upcoming.length === 1,
        'GET /api/office/v1/catalogs: the version in force and one upcoming');
  // A POST without the CSRF token is refused.
  const forged = await page.evaluate(async (b) => (await fetch('/api/office/v1/catalogs', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: b })).status,
  fs.readFileSync(fx.changed_file, 'utf8'));
  check(forged === 403, `an upload without the CSRF token is refused (${forged})`);
}

runSuite(run);
