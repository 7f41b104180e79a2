// Several services in one visit in the office console (issue 14 items 3 and 5), in a
// real browser: Debian's chromium via puppeteer-core, axe-core on each page. Run by
// run_console_test.sh --suite visit, which pushes a visit of 优待证 (decision by SMS)
// and 低保 (by post) and a 优待证 alone with no choice, sealed, through the real
// server; the 低保 is routed to 医保.
// usage: node visit_test.js FIXTURE_JSON
//   the reviewer: the queue shows the visit number beside the application number; each
//   application's page shows 同一次办理 with the other one (number, service, status,
//   link) and the delivery line, the phone masked; the one alone has neither section
//   nor choice (未选择（旧版自助机）). The 医保 department sees its one application and
//   "另有 1 项由其他部门办理", never the other's number; another township gets 404.
'use strict';
const { harness } = require('./harness');

const { fx, base, check, axe, shot, signedIn, bodyText, run } = harness('visit');

const appUrl = (number) => base + '/console/app/' + encodeURIComponent(number);
const textOf = (page, selector) =>
  page.$eval(selector, (e) => e.textContent.trim()).catch(() => null);

// The visit section's rows as [number, service, status].
async function visitRows(page) {
  return page.$$eval('#visit tbody tr', (rows) =>
    rows.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
}

run(async (browser) => {
  const rev = await signedIn(browser, fx.reviewer);
  await rev.goto(base + '/console/queue', { waitUntil: 'load' });
  const queueRow = (number) => rev.evaluate((n) => {
    const link = [...document.querySelectorAll('tbody a')].find((a) => a.textContent === n);
    return link ? link.closest('td').textContent.replace(/\s+/g, ' ').trim() : null;
  }, number);
  for (const number of [fx.first, fx.second]) {
    const cell = await queueRow(number);
    check(cell !== null && cell.includes('办理编号 ' + fx.visit),
          `the queue shows ${number} with its visit number (${cell})`);
  }
  const aloneCell = await queueRow(fx.alone);
  check(aloneCell === fx.alone, `the application alone has no visit number in the queue (${aloneCell})`);
  await axe(rev, 'queue with a visit');
  await shot(rev, 'queue');

  await rev.goto(appUrl(fx.first), { waitUntil: 'load' });
  check(await textOf(rev, '#visit-number') === fx.visit, 'the page names the visit number');
  check(await textOf(rev, '#app-delivery') === '短信通知：138****5678',
        `the delivery line, phone masked (${await textOf(rev, '#app-delivery')})`);
  const rows = await visitRows(rev);
  check(rows.length === 1 && rows[0][0] === fx.second && rows[0][1] === '最低生活保障（低保）' &&
        rows[0][2] === '部门协办中', `同一次办理 lists the 低保 with its status (${JSON.stringify(rows)})`);
  const heading = await textOf(rev, '#visit-title');
  check(heading && heading.startsWith('同一次办理') && heading.includes('本次共办理 2 项'),
        `the section's heading (${heading})`);
  check(await rev.$('#visit-hidden') === null, 'the reviewer sees the whole visit: nothing counted apart');
  await axe(rev, 'application in a visit');
  await shot(rev, 'first');
  await Promise.all([rev.waitForNavigation({ waitUntil: 'load' }), rev.click('#visit tbody a')]);
  check(rev.url() === appUrl(fx.second), 'the link opens the other application');
  check(await textOf(rev, '#app-delivery') === '邮寄到申请表上的地址：沙溪路18号',
        `post: the address in the form (${await textOf(rev, '#app-delivery')})`);
  const back = await visitRows(rev);
  check(back.length === 1 && back[0][0] === fx.first && back[0][1].includes('优待'),
        `and lists the first (${JSON.stringify(back)})`);
  await shot(rev, 'second');

  await rev.goto(appUrl(fx.alone), { waitUntil: 'load' });
  check(await rev.$('#visit') === null && await rev.$('#visit-number') === null,
        'an application alone has no visit section');
  check(await textOf(rev, '#app-delivery') === '未选择（旧版自助机）', 'no choice: 未选择（旧版自助机）');
  await axe(rev, 'application alone');

  // The 医保 department: its routed 低保 only; the 优待证 counted, never named.
  const dept = await signedIn(browser, fx.department);
  await dept.goto(appUrl(fx.second), { waitUntil: 'load' });
  const deptPage = await bodyText(dept);
  check(await textOf(dept, '#visit-hidden') === '另有 1 项由其他部门办理',
        `the department sees the other counted (${await textOf(dept, '#visit-hidden')})`);
  check((await visitRows(dept)).length === 0 && !deptPage.includes(fx.first),
        'and never its number');
  await axe(dept, 'application in a visit (department)');
  await shot(dept, 'department');
  const refused = await dept.goto(appUrl(fx.first), { waitUntil: 'load' });
  check(refused.status() === 404, `the department cannot open the other (${refused.status()})`);
  const api = await dept.evaluate(async (n) => (await fetch('/api/office/v1/applications/' +
    encodeURIComponent(n))).json(), fx.second);
  check(api.visit && api.visit.visit_number === fx.visit && api.visit.others.length === 0 &&
        api.visit.others_out_of_scope === 1, `the JSON agrees: ${JSON.stringify(api.visit)}`);

  const other = await signedIn(browser, fx.other_reviewer);
  const elsewhere = await other.goto(appUrl(fx.first), { waitUntil: 'load' });
  check(elsewhere.status() === 404, 'another township: 404');

  // English.
  await rev.goto(base + `/console/lang?to=en&back=${encodeURIComponent('/console/app/' + fx.first)}`,
                 { waitUntil: 'load' });
  const english = await bodyText(rev);
  check(english.includes('Same visit') && english.includes('2 services in this visit'), 'English');
});
