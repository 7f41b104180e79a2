// The subsidy roster (补贴清册, issue 13) in a real browser: Debian's chromium driven by
// puppeteer-core, axe-core on each page. Run by run_console_test.sh --suite roster, which
// has put two 低保 applications of 沙溪镇 through the workflow (fx.number final,
// fx.second_number still 公示中) and writes fixture.json.
//   The supervisor previews 沙溪镇 for the month: one person with the amount and the bank
//   account, totals; downloads the XLSX (a real download: bytes start with PK, the
//   Chinese file name, every cell read back by tests/server/check_xlsx.py) and the CSV
//   (BOM, the name with its comma and quotes quoted); the export log shows both.
//   A reviewer has no roster link and gets 403 on the page.
// usage: ROSTER_MONTH=YYYY-MM CHECK_XLSX=... DOWNLOADS=DIR node roster_test.js FIXTURE_JSON
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { harness } = require('./harness');

const { fx, base, check, axe, shot, signIn, signedIn, bodyText, run: runSuite } =
  harness('roster');

const month = process.env.ROSTER_MONTH;
const downloads = process.env.DOWNLOADS;
const draft = JSON.parse(fs.readFileSync(path.join(__dirname, 'roster_draft.json'), 'utf8'));
const name = draft.values.name;

// Clicks `selector` and waits for the download it starts: its suggested file name and
// the bytes as saved by the browser.
async function download(page, cdp, selector) {
  const begun = new Promise((resolve) => cdp.once('Browser.downloadWillBegin', resolve));
  await page.click(selector);
  const started = await begun;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('download did not finish')), 30000);
    cdp.on('Browser.downloadProgress', (e) => {
      if (e.guid === started.guid && e.state === 'completed') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { name: started.suggestedFilename, bytes: fs.readFileSync(path.join(downloads, started.guid)) };
}

async function run(browser) {
  fs.mkdirSync(downloads, { recursive: true });
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior',
                 { behavior: 'allowAndName', downloadPath: downloads, eventsEnabled: true });

  const sup = await browser.newPage();
  await signIn(sup, fx.supervisor);
  check(await sup.$('nav a[href="/console/roster"]') !== null, 'the supervisor has the roster in the nav');
  await sup.goto(base + '/console/roster', { waitUntil: 'load' });
  await axe(sup, 'roster (choices)');
  await sup.select('#roster-town', '沙溪镇');
  await sup.$eval('#roster-month', (e, m) => { e.value = m; }, month);
  await sup.click('input[name="service"][value="dibao"]');
  await sup.click('input[name="service"][value="tekun"]');
  await Promise.all([sup.waitForNavigation({ waitUntil: 'load' }), sup.click('#roster-preview')]);
  const rows = await sup.$$eval('#roster-rows tbody tr', (trs) =>
    trs.map((tr) => Array.from(tr.cells).map((td) => td.innerText.trim())));
  check(rows.length === 1, `one person on the roster (got ${rows.length}): the one still 公示中 is not`);
  check(rows[0] && rows[0][2] === name && rows[0][4] === '1225.00' && rows[0][6] === '6217000012345678901' &&
        rows[0][7] === month && rows[0][9] === fx.number,
        'the row: name, amount, account, start month, number');
  check(!(await sup.content()).includes(fx.second_number), 'the 公示中 application is not listed');
  check((await sup.$eval('#roster-amount', (e) => e.innerText)) === '1225.00', 'the total is 1225.00');
  await axe(sup, 'roster (preview)');
  await shot(sup, 'preview');

  const xlsx = await download(sup, cdp, '#roster-xlsx');
  check(xlsx.name === `补贴清册_沙溪镇_${month}.xlsx`, `XLSX file name in Chinese (${xlsx.name})`);
  check(xlsx.bytes.slice(0, 2).toString('latin1') === 'PK', 'the XLSX starts with PK (a zip)');
  const saved = path.join(downloads, 'roster.xlsx');
  fs.writeFileSync(saved, xlsx.bytes);
  const book = JSON.parse(execFileSync('python3', [process.env.CHECK_XLSX, saved], { encoding: 'utf8' }));
  const sheet = book.sheets[0].rows;
  const last = sheet[sheet.length - 1];
  check(JSON.stringify(last) === JSON.stringify(
    [1, '最低生活保障（低保）', name, '442000195803110024', 1225, '农村商业银行', '6217000012345678901', month,
     '沙溪社区', fx.number]), 'the XLSX row read back by check_xlsx.py: ' + JSON.stringify(last));

  const csv = await download(sup, cdp, '#roster-csv');
  check(csv.name === `补贴清册_沙溪镇_${month}.csv`, `CSV file name in Chinese (${csv.name})`);
  check(csv.bytes.slice(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the CSV starts with the UTF-8 BOM');
  const quoted = '"' + name.replace(/"/g, '""') + '"';
  check(csv.bytes.toString('utf8').includes(`1,最低生活保障（低保）,${quoted},442000195803110024,1225.00,`),
        'the CSV row has the name quoted (comma, quotes doubled)');

  await sup.reload({ waitUntil: 'load' });
  const log = await sup.$$eval('#roster-log tbody tr', (trs) => trs.map((tr) => tr.innerText));
  check(log.length === 2 && log[0].includes('csv') && log[1].includes('xlsx'), 'the export log lists both exports');
  await axe(sup, 'roster (after export)');
  await shot(sup, 'log');

  const rev = await (await browser.createBrowserContext()).newPage();
  await signIn(rev, fx.reviewer);
  check(await rev.$('nav a[href="/console/roster"]') === null, 'a reviewer has no roster link');
  const refused = await rev.goto(base + '/console/roster', { waitUntil: 'load' });
  check(refused.status() === 403 && (await rev.evaluate(() => document.body.innerText)).includes('只有主管'),
        'a reviewer gets 403 on the roster page');
  await axe(rev, 'roster (reviewer refused)');
  await shot(rev, 'reviewer');
}

runSuite(run);
