// The statistics page in a real browser (issue 13 items 1 and 5): Debian's chromium via
// puppeteer-core, axe-core on each page. Run by run_console_test.sh --suite stats, which
// submits 3 applications at 沙溪大厅 (沙溪镇) and 2 at 石岐大厅 (石岐街道) through real
// kiosks and decides two at 沙溪 with yimen-admin: one approved (880 yuan), one refused.
// usage: node stats_test.js FIXTURE_JSON
//   the supervisor's year: the work report's figures, both charts (role="img" with a
//   title, the same numbers in the tables), the period form (month); the CSV and the
//   XLSX download by a click; a township's reviewer sees only its own figures.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { harness } = require('./harness');

const { fx, base, check, axe, shot, signIn, signedIn, bodyText, run: runSuite } =
  harness('stats');

// A table's rows as arrays of cell texts, by the heading that labels it.
async function tableRows(page, title) {
  return page.evaluate((t) => {
    const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent.trim() === t);
    if (!heading) return null;
    const table = document.querySelector(`table[aria-labelledby="${heading.id}"]`);
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.children].map((c) => c.textContent.trim()));
  }, title);
}

// Clicks a download link and waits for the file to land in `dir`.
async function download(page, selector, dir, suffix) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The page lives in its own browser context: downloads are allowed per context.
  const cdp = await page.browser().target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {
    behavior: 'allow', downloadPath: dir, browserContextId: page.browserContext().id });
  await page.click(selector);
  for (let i = 0; i < 100; i++) {
    const done = fs.readdirSync(dir).filter((f) => f.endsWith(suffix));
    if (done.length) return fs.readFileSync(path.join(dir, done[0]));
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function run(browser) {
  const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  const sup = await signedIn(browser, fx.supervisor);
  check(!!(await sup.$('a[href="/console/stats"]')), 'the nav links to the statistics');
  await sup.goto(base + '/console/stats', { waitUntil: 'load' });
  const page = await bodyText(sup);
  check(page.includes(`统计 ${year}`), `the year ${year} by default`);
  check(page.includes('本期共收到申请 5 件'), 'work report: 5 applications received');
  check(page.includes('本期共办结审批事项 2 宗，其中批准 1 宗、不予批准 1 宗'),
        'work report: 2 decided, 1 approved, 1 refused');
  check(page.includes('本期批准金额合计 880.00 元'), 'work report: 880.00 yuan approved');
  check(page.includes('尚未办结 3 件'), 'work report: 3 pending');
  const towns = await tableRows(sup, '按乡镇（街道）');
  // township, received, decided, approved, refused, pending, overdue, late
  check(JSON.stringify(towns) === JSON.stringify([
    ['沙溪镇', '3', '2', '1', '1', '1', '0', '0'],
    ['石岐街道', '2', '0', '0', '0', '2', '0', '0']]), `by township: ${JSON.stringify(towns)}`);
  const services = await tableRows(sup, '按事项');
  check(services && services[0][0] === '老年人优待证、免费乘车卡' && services[0][1] === '5' &&
        services[0][10] === '10', `by service with its 10-day limit: ${JSON.stringify(services)}`);
  const charts = await sup.$$eval('svg.chart', (all) => all.map((s) => ({
    role: s.getAttribute('role'), title: s.querySelector('title') && s.querySelector('title').textContent,
    bars: s.querySelectorAll('rect').length })));
  check(charts.length === 2 && charts.every((c) => c.role === 'img' && c.title),
        `two charts, role="img" with a title: ${JSON.stringify(charts)}`);
  const serviceBars = await sup.$$eval('#chart-services text', (all) => all.map((t) => t.textContent));
  check(serviceBars.includes('5') && serviceBars.includes('1'), 'the service chart shows 5 received, 1 approved');
  await axe(sup, 'statistics (year)');
  await shot(sup, 'year');

  // Downloads: what the page shows, as CSV (UTF-8 with BOM) and XLSX (a zip).
  const dir = path.join(os.tmpdir(), `yimen-stats-dl-${process.pid}`);
  const csv = await download(sup, '#export-csv', dir, '.csv');
  check(csv && csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'CSV downloads with a BOM');
  const csvText = csv ? csv.toString('utf8') : '';
  check(csvText.includes('按乡镇（街道）,沙溪镇,3,2,1,1,1,0,0,'), 'CSV has 沙溪镇 as the page');
  check(csvText.includes('合计,合计,5,2,1,1,3,0,0,'), 'CSV total as the page');
  const xlsx = await download(sup, '#export-xlsx', dir, '.xlsx');
  check(xlsx && xlsx[0] === 0x50 && xlsx[1] === 0x4b && xlsx.length > 2000,
        `XLSX downloads (a zip, ${xlsx ? xlsx.length : 0} bytes)`);
  fs.rmSync(dir, { recursive: true, force: true });

  // The period form: this month.
  const thisMonth = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  await sup.select('#stats-period', 'month');
  await sup.$eval('#stats-from', (e, m) => { e.value = m; }, thisMonth);
  await Promise.all([sup.waitForNavigation({ waitUntil: 'load' }), sup.click('#stats-show')]);
  const month = await bodyText(sup);
  check(month.includes(`统计 ${thisMonth}`) && month.includes('本期共收到申请 5 件'),
        `this month (${thisMonth}) holds the same 5 applications`);
  await shot(sup, 'month');
  await axe(sup, 'statistics (month)');

  // A township's reviewer: 石岐街道 only.
  const shiqi = await signedIn(browser, fx.other_reviewer);
  await shiqi.goto(base + '/console/stats', { waitUntil: 'load' });
  const own = await bodyText(shiqi);
  check(own.includes('本期共收到申请 2 件') && !own.includes('沙溪'),
        'a township reviewer sees only its own township');
  check(own.includes('统计范围: 石岐街道'), 'the page names its scope');
  const api = await shiqi.evaluate(async (y) => {
    const r = await fetch(`/api/office/v1/stats?period=year&from=${y}`);
    return r.json();
  }, year);
  check(api.total && api.total.received === 2 && api.towns.length === 1,
        `the JSON agrees: ${JSON.stringify(api.total)}`);
  await axe(shiqi, 'statistics (township)');
  await shot(shiqi, 'township');

  // English.
  await sup.goto(base + `/console/lang?to=en&back=${encodeURIComponent('/console/stats')}`, { waitUntil: 'load' });
  const english = await bodyText(sup);
  check(english.includes('5 applications received'), 'English');
  await shot(sup, 'english');
}

runSuite(run);
