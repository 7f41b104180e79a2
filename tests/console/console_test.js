// The office console in a real browser (issue 12 item 5): Debian's chromium, headless,
// driven by puppeteer-core; axe-core checks every page. Run by run_console_test.sh,
// which starts PostgreSQL and yimen-server and writes fixture.json (accounts, numbers).
// usage: node console_test.js PHASE FIXTURE_JSON
//   PHASE main     sign-in, lockout, CSRF, key ceremony and unlock, queue, scoping,
//                  actions with errors kept, the two-person rule, screenshots
//   PHASE restart  after a server restart: the key is locked until unlocked; a session
//                  idle past the (short) limit is sent back to sign in
//   PHASE e2e      the reviewer opens the kiosk's 低保 application, sees the name,
//                  the photo and the recomputed self-check, sets 需补正 with two materials
//   PHASE flow     after e2e, the same application: 转办 to a department and its answer
//                  (another department gets 404), then 批准 → 公示中 with its end date
//                  and 公示期满 refused before it
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [phase, fixturePath] = process.argv.slice(2);
const fx = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
const base = fx.base;
const shots = fx.screenshots;
let failures = 0;
let checks = 0;

function check(ok, what) {
  checks++;
  if (ok) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what);
  }
}

async function axe(page, name) {
  await page.addScriptTag({ content: axeSource }).catch(() => {});
  // CSP blocks inline scripts the page did not send: evaluate axe through the
  // DevTools protocol instead when the tag was refused.
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
                                      target: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result) console.log(`  axe ${name}: ${v.impact} ${v.id} x${v.nodes} (${v.target})`);
  check(bad.length === 0, `axe: no serious/critical violations on ${name}`);
}

async function shot(page, name) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `console_${name}.png`) });
}

async function newPage(browser) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1366, height: 768 });
  return page;
}

async function login(page, name, password) {
  await page.goto(base + '/console/login', { waitUntil: 'load' });
  await page.type('#name', name);
  await page.type('#password', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#login-submit')]);
}

async function text(page) {
  return page.evaluate(() => document.body.innerText);
}

// A POST from the page's own origin with the session cookie, as a forged form would be
// if it could reach us: without the token, and with a wrong one.
async function rawPost(page, url, body, headers) {
  return page.evaluate(async (u, b, h) => {
    const r = await fetch(u, { method: 'POST', body: b, headers: h, redirect: 'manual' });
    return r.status;
  }, url, body, headers || { 'Content-Type': 'application/x-www-form-urlencoded' });
}

async function act(page, action, fill) {
  await page.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  await page.$eval(`#form-${action}`, (f) => { f.closest('details').open = true; });
  if (fill) await fill(page);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`#submit-${action}`)]);
}

async function mainPhase(browser) {
  // Sign-in page, and a wrong password.
  const page = await newPage(browser);
  await page.goto(base + '/console/login', { waitUntil: 'load' });
  const headers = (await page.goto(base + '/console/login')).headers();
  check(/default-src 'self'/.test(headers['content-security-policy'] || ''), 'CSP default-src self');
  check(headers['x-frame-options'] === 'DENY', 'X-Frame-Options DENY');
  check(headers['cache-control'] === 'no-store', 'Cache-Control no-store');
  await axe(page, 'login');
  await shot(page, 'login');
  await login(page, fx.reviewer.name, 'wrong password!');
  check((await text(page)).includes('用户名或密码不正确'), 'wrong password: plain Chinese message');
  check(await page.$eval('#name', (e) => e.value) === fx.reviewer.name, 'the typed name is kept');

  // Lockout: five refusals lock the account; then even the right password is refused.
  const lockPage = await newPage(browser);
  const started = Date.now();
  for (let i = 0; i < 5; i++) await login(lockPage, fx.locked.name, 'not the password');
  await login(lockPage, fx.locked.name, fx.locked.password);
  const locked = await text(lockPage);
  check(locked.includes('账户已暂时锁定'), 'lockout after five refusals, right password refused');
  console.log(`figure: six sign-ins of a locking account took ${Date.now() - started} ms`);

  // The supervisor: key ceremony, then locked, then unlock.
  const sup = await newPage(browser);
  await login(sup, fx.supervisor.name, fx.supervisor.password);
  const sessionCookie = (await sup.cookies()).find((c) => c.name === 'yimen_console');
  check(sessionCookie && sessionCookie.httpOnly && sessionCookie.sameSite === 'Strict',
        'session cookie HttpOnly, SameSite=Strict');
  await sup.goto(base + '/console/key', { waitUntil: 'load' });
  await shot(sup, 'key_unprotected');
  await sup.type('#passphrase', fx.passphrase);
  await sup.type('#repeat', fx.passphrase);
  await Promise.all([sup.waitForNavigation(), sup.click('form[action="/console/key/setup"] button')]);
  check((await sup.$eval('#key-state', (e) => e.className)) === 'key-locked', 'after the ceremony the key is locked');
  await axe(sup, 'key');
  await sup.type('#passphrase', 'not the passphrase at all');
  await Promise.all([sup.waitForNavigation(), sup.click('#unlock-submit')]);
  check((await text(sup)).includes('口令不正确'), 'wrong passphrase refused in Chinese');
  await sup.type('#passphrase', fx.passphrase);
  await Promise.all([sup.waitForNavigation(), sup.click('#unlock-submit')]);
  check((await sup.$eval('#key-state', (e) => e.className)) === 'key-unlocked', 'unlocked');
  await shot(sup, 'key');

  // CSRF: the session's POSTs need its token.
  check(await rawPost(sup, '/console/key/lock', 'x=1') === 403, 'form POST without a CSRF token: 403');
  check(await rawPost(sup, '/console/key/lock', 'csrf=forged') === 403, 'form POST with a wrong CSRF token: 403');
  check(await rawPost(sup, '/api/office/v1/key/lock', '{}',
                      { 'Content-Type': 'application/json', 'X-CSRF-Token': 'forged' }) === 403,
        'API POST with a wrong X-CSRF-Token: 403');
  await sup.goto(base + '/console/key', { waitUntil: 'load' });
  check((await sup.$eval('#key-state', (e) => e.className)) === 'key-unlocked', 'the refused POSTs changed nothing');

  // The reviewer of 沙溪镇: queue, scoping, actions.
  const rev = await newPage(browser);
  await login(rev, fx.reviewer.name, fx.reviewer.password);
  check(rev.url().endsWith('/console/queue'), 'sign-in lands on the queue');
  const queue = await text(rev);
  check(queue.includes(fx.number), 'the queue lists the application of its township');
  check(!queue.includes(fx.other_number), 'the queue hides the other township\'s application');
  await axe(rev, 'queue');
  await shot(rev, 'queue');
  // Keyboard: Tab reaches the first status box and Space ticks it; Enter on Apply filters.
  await rev.focus('input[name="status"]');
  await rev.keyboard.press('Space');
  await rev.focus('#filter-apply');
  await Promise.all([rev.waitForNavigation(), rev.keyboard.press('Enter')]);
  check(rev.url().includes('status='), 'filters work from the keyboard');

  const theirs = await rev.goto(base + '/console/app/' + encodeURIComponent(fx.other_number));
  check(theirs.status() === 404, 'a reviewer of another township gets 404');
  const apiTheirs = await rev.evaluate(async (n) => (await fetch('/api/office/v1/applications/' + n)).status,
                                       encodeURIComponent(fx.other_number));
  check(apiTheirs === 404, 'the API answers 404 for it too');

  await rev.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  const detail = await text(rev);
  check(detail.includes(fx.full_name), 'the application page shows the full name');
  await axe(rev, 'application');
  // 需补正 without the required note: the error beside the form, the ticks and text kept.
  await act(rev, 'accept');
  check((await rev.$eval('#app-status', (e) => e.textContent)).includes('已受理'), '受理 done');
  await rev.$eval('#form-needs_materials', (f) => { f.closest('details').open = true; });
  await rev.click('#form-needs_materials input[name="materials"]');
  await rev.$eval('#note-needs_materials', (e) => e.removeAttribute('required'));
  await Promise.all([rev.waitForNavigation(), rev.click('#submit-needs_materials')]);
  const refused = await rev.$('#error-needs_materials');
  check(refused !== null, 'a missing note is refused, shown beside the form');
  check(await rev.$eval('#form-needs_materials input[name="materials"]', (e) => e.checked),
        'the ticked material is still ticked');
  await shot(rev, 'action_error');
  await rev.type('#note-needs_materials', '请补交材料');
  await rev.$eval('#form-needs_materials', (f) => { f.closest('details').open = true; });
  await act(rev, 'preliminary_pass', null);
  check((await rev.$eval('#app-status', (e) => e.textContent)).includes('初审通过'), '初审通过 done');

  // Two-person rule: the supervisor passed nothing yet; make the supervisor pass the
  // second application and then try to approve it.
  await sup.goto(base + '/console/app/' + encodeURIComponent(fx.second_number), { waitUntil: 'load' });
  fx.number = fx.second_number;
  await act(sup, 'accept');
  await act(sup, 'preliminary_pass');
  await act(sup, 'approve', async (p) => {
    await p.type('#amount', '800');
    await p.$eval('#start_month', (e) => { e.value = '2027-01'; });
  });
  const twoPerson = await sup.$('#error-approve');
  const twoText = twoPerson ? await sup.$eval('#error-approve', (e) => e.textContent) : '';
  check(twoText.includes('两人原则'), 'two-person rule: the one who passed it cannot approve it');
  check(await sup.$eval('#amount', (e) => e.value) === '800', 'the typed amount is kept on the error');
  await shot(sup, 'application');
  // The approver (another person) may.
  const appr = await newPage(browser);
  await login(appr, fx.approver.name, fx.approver.password);
  await act(appr, 'approve', async (p) => {
    await p.type('#amount', '800');
    await p.$eval('#start_month', (e) => { e.value = '2027-01'; });
  });
  check(!(await appr.$('#error-approve')), 'a second person approves');
  await shot(appr, 'approved');

  // English is one click away, and every page still passes axe.
  await appr.goto(base + '/console/lang?to=en&back=%2Fconsole%2Fqueue', { waitUntil: 'load' });
  check((await text(appr)).includes('Queue'), 'English pages');
  await axe(appr, 'queue (English)');
  await shot(appr, 'queue_en');

  // The other township's reviewer: a bulk 受理 of the ticked row, then the JSON API
  // (session, queue, a comment with the CSRF header) on the same session.
  const shiqi = await newPage(browser);
  await login(shiqi, fx.other_reviewer.name, fx.other_reviewer.password);
  await shiqi.click(`input[name="selected"][value="${fx.other_number}"]`);
  await Promise.all([shiqi.waitForNavigation(), shiqi.click('button[name="scope"][value="selected"]')]);
  check((await text(shiqi)).includes('1 / 1'), 'bulk 受理 on the ticked row: 1 / 1');
  const api = await shiqi.evaluate(async (n) => {
    const session = await (await fetch('/api/office/v1/session')).json();
    const queue = await (await fetch('/api/office/v1/queue?status=' + encodeURIComponent('已受理'))).json();
    const post = (token) => fetch('/api/office/v1/applications/' + encodeURIComponent(n) + '/comments', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ text: '请沙溪镇协助核实住址。' }) });
    const without = (await post('')).status;
    const withToken = (await post(session.csrf_token)).status;
    return { total: queue.total, first: queue.rows[0] && queue.rows[0].app_number, without, withToken };
  }, fx.other_number);
  check(api.total === 1 && api.first === fx.other_number, 'API queue: the accepted one, in scope');
  check(api.without === 403 && api.withToken === 204, 'API comment: 403 without the token, 204 with it');
  await shiqi.goto(base + '/console/app/' + encodeURIComponent(fx.other_number), { waitUntil: 'load' });
  check((await text(shiqi)).includes('请沙溪镇协助核实住址'), 'the comment is on the page');

  // Sign-out ends the session on the server: the old cookie no longer works.
  const cookie = (await rev.cookies()).find((c) => c.name === 'yimen_console');
  await rev.goto(base + '/console/queue', { waitUntil: 'load' });
  await Promise.all([rev.waitForNavigation(), rev.click('form[action="/console/logout"] button')]);
  await rev.setCookie(cookie);
  await rev.goto(base + '/console/queue', { waitUntil: 'load' });
  check(rev.url().includes('/console/login'), 'after sign-out the old cookie is refused');
}

async function restartPhase(browser) {
  const rev = await newPage(browser);
  await login(rev, fx.reviewer.name, fx.reviewer.password);
  await rev.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  check(!!(await rev.$('#ask-supervisor')), 'after a restart the key is locked: the reviewer is told to ask a supervisor');
  check(!(await text(rev)).includes(fx.full_name), 'nothing of the application is shown while locked');
  await axe(rev, 'application (locked)');
  await shot(rev, 'application_locked');
  const sup = await newPage(browser);
  await login(sup, fx.supervisor.name, fx.supervisor.password);
  await sup.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  check(!!(await sup.$('#unlock-form')), 'a supervisor gets the unlock form on the page');
  await sup.type('#passphrase', fx.passphrase);
  await Promise.all([sup.waitForNavigation(), sup.click('#unlock-submit')]);
  check((await text(sup)).includes(fx.full_name), 'unlocked from the application page, it opens');
  // Idle past the limit (the driver started the server with a short one).
  await new Promise((r) => setTimeout(r, (fx.idle_seconds + 2) * 1000));
  await rev.goto(base + '/console/queue', { waitUntil: 'load' });
  check(rev.url().includes('/console/login'), 'an idle session times out');
  check((await text(rev)).includes('登录已超时'), 'and the page says so');
  await shot(rev, 'timed_out');
}

async function e2ePhase(browser) {
  const sup = await newPage(browser);
  await login(sup, fx.supervisor.name, fx.supervisor.password);
  await sup.goto(base + '/console/key', { waitUntil: 'load' });
  await sup.type('#passphrase', fx.passphrase);
  await sup.type('#repeat', fx.passphrase);
  await Promise.all([sup.waitForNavigation(), sup.click('form[action="/console/key/setup"] button')]);
  await sup.type('#passphrase', fx.passphrase);
  await Promise.all([sup.waitForNavigation(), sup.click('#unlock-submit')]);
  check((await sup.$eval('#key-state', (e) => e.className)) === 'key-unlocked', 'supervisor unlocked the key');

  const rev = await newPage(browser);
  await login(rev, fx.reviewer.name, fx.reviewer.password);
  check((await text(rev)).includes(fx.number), 'the kiosk\'s application is in the reviewer\'s queue');
  await rev.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  const page = await text(rev);
  check(page.includes(fx.full_name), 'the reviewer sees the full name ' + fx.full_name);
  const photo = await rev.$eval('img.photo', (img) => ({ w: img.naturalWidth, h: img.naturalHeight, src: img.src }))
    .catch(() => null);
  check(photo && photo.w > 0 && photo.h > 0, `the photo is shown (${photo ? photo.w + 'x' + photo.h : 'none'})`);
  const photoReply = await rev.evaluate(async (src) => {
    const r = await fetch(src);
    return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control') };
  }, photo ? photo.src : '');
  check(photoReply.cache === 'no-store' && photoReply.type === 'image/jpeg', 'photo served as image/jpeg, no-store');
  check(!!(await rev.$('svg.signature polyline')), 'the signatures are drawn');
  check(page.includes('欧阳明'), 'the household member is in the table');
  check(!page.includes('未填写家庭成员'), 'and the table is not called empty');
  // The self-check, recomputed with the kiosk's own rules from the form: 300 + 800
  // yuan for two people is 550 a head, under the 1225 standard.
  const selfCheck = await rev.$eval('#self-check', (e) => ({
    verdicts: [...e.querySelectorAll('[data-verdict]')].map((v) => v.dataset.verdict),
    text: e.innerText })).catch(() => null);
  check(selfCheck && selfCheck.verdicts.join() === 'likely' && selfCheck.text.includes('很可能符合条件'),
        `the recomputed self-check verdict is shown (${selfCheck ? selfCheck.verdicts.join() : 'none'})`);
  check(selfCheck && selfCheck.text.includes('平均每人每月550元') && selfCheck.text.includes('同一套规则'),
        'with the kiosk\'s explanation and the note that it is recomputed with the same rules');
  const apiSelfCheck = await rev.evaluate(async (n) =>
    (await (await fetch('/api/office/v1/applications/' + encodeURIComponent(n))).json()).self_check, fx.number);
  check(apiSelfCheck && apiSelfCheck.recomputed && apiSelfCheck.cases.length === 1 &&
        apiSelfCheck.cases[0].verdict === 'likely' && apiSelfCheck.catalog_version !== '',
        'the API\'s application carries the same self-check');
  await axe(rev, 'application (opened)');
  await rev.$eval('#self-check', (e) => e.scrollIntoView());
  await shot(rev, 'application_selfcheck');
  await rev.evaluate(() => window.scrollTo(0, 0));
  await rev.click('img.photo');
  await shot(rev, 'application_photo_zoomed');
  await rev.click('img.photo');
  await act(rev, 'accept');
  await act(rev, 'needs_materials', async (p) => {
    for (const id of fx.materials) await p.click(`#form-needs_materials input[value="${id}"]`);
    await p.type('#note-needs_materials', '请到大厅补交这两样材料。');
  });
  check((await rev.$eval('#app-status', (e) => e.textContent)).includes('需补正'), '需补正 set with two materials');
  const asked = await rev.$eval('ol.history', (e) => e.innerText);
  check(asked.includes('需补交的材料') && asked.includes('户口簿') && asked.includes('收入证明'),
        'the history names the two materials asked for');
  await rev.evaluate(() => window.scrollTo(0, 0));
  await shot(rev, 'application_opened');
}

// The China date (UTC+8) `days` after today, "YYYY-MM-DD".
function chinaDate(days) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

// After e2e: the same 低保 application (需补正 at the kiosk) goes on. 转办 to 医保 with
// a due date; the 医保 user sees it in their queue, answers; a 住建 user gets 404. Then
// 初审通过 → 批准 puts it on 公示 with its end date, and 公示期满 is refused before it.
async function flowPhase(browser) {
  const rev = await newPage(browser);
  await login(rev, fx.reviewer.name, fx.reviewer.password);
  await act(rev, 'accept');
  const due = chinaDate(5);
  await act(rev, 'route', async (p) => {
    await p.type('#department', fx.department.scope);
    await p.$eval('#due_date', (e, d) => { e.value = d; }, due);
    await p.type('#note-route', '请核实申请人的医保缴费和住院记录。');
  });
  check((await rev.$eval('#app-status', (e) => e.textContent)).includes('部门协办中'),
        `转办 to ${fx.department.scope}, due ${due}: 部门协办中`);
  const routed = await rev.$eval('ol.history', (e) => e.innerText);
  check(routed.includes(fx.department.scope) && routed.includes(due),
        'the history names the department and the date it is due back');

  // The department's view: its queue holds only what was routed to it.
  const dept = await newPage(browser);
  await login(dept, fx.department.name, fx.department.password);
  const deptQueue = await text(dept);
  check(deptQueue.includes(fx.number), `the ${fx.department.scope} user sees the routed application`);
  const rows = await dept.$$eval('table tbody tr', (r) => r.length).catch(() => 0);
  check(rows === 1, `and nothing else (${rows} row(s))`);
  await axe(dept, 'queue (department)');
  await shot(dept, 'department_queue');
  await dept.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  check((await text(dept)).includes('请核实申请人的医保缴费'), 'the department reads the routing note');
  await axe(dept, 'application (department)');
  await act(dept, 'department_reply', async (p) => {
    await p.type('#note-department_reply', '已核实：医保正常缴费，2026年住院两次。');
  });
  const back = await dept.$eval('#app-status', (e) => e.textContent);
  check(back.includes('已受理'), `部门办理完毕: back to where it was (${back.trim()})`);
  await dept.evaluate(() => window.scrollTo(0, 0));
  await shot(dept, 'department_replied');

  // Another department: the same 404 as a missing number, page and API.
  const other = await newPage(browser);
  await login(other, fx.other_department.name, fx.other_department.password);
  check(!(await text(other)).includes(fx.number), `the ${fx.other_department.scope} queue does not list it`);
  const theirs = await other.goto(base + '/console/app/' + encodeURIComponent(fx.number), { waitUntil: 'load' });
  check(theirs.status() === 404, `a ${fx.other_department.scope} user gets 404`);
  const apiTheirs = await other.evaluate(async (n) =>
    (await fetch('/api/office/v1/applications/' + encodeURIComponent(n))).status, fx.number);
  check(apiTheirs === 404, 'and 404 from the API');
  await axe(other, 'error (404)');
  await shot(other, 'error_404');

  // 初审通过 by the reviewer, 批准 by the approver: 低保 goes on 公示 first.
  await act(rev, 'preliminary_pass');
  check((await rev.$eval('#app-status', (e) => e.textContent)).includes('初审通过'), '初审通过');
  const appr = await newPage(browser);
  await login(appr, fx.approver.name, fx.approver.password);
  await act(appr, 'approve', async (p) => {
    await p.type('#amount', '675');
    await p.$eval('#start_month', (e, m) => { e.value = m; }, chinaDate(0).slice(0, 7));
  });
  const until = chinaDate(fx.notice_days);
  const status = await appr.$eval('#app-status', (e) => e.textContent);
  check(status.includes('公示中'), `批准 of 低保: 公示中 (${status.trim()})`);
  const facts = await appr.$eval('dl.facts', (e) => e.innerText);
  check(facts.includes('公示截止') && facts.includes(until), `the notice's end date ${until} is shown`);
  await act(appr, 'finalize');
  const refusal = await appr.$eval('#error-finalize', (e) => e.textContent).catch(() => '');
  check(refusal.includes(until) && refusal.includes('期满后才能生效'),
        `公示期满 before ${until} is refused: ${refusal.trim()}`);
  check((await appr.$eval('#app-status', (e) => e.textContent)).includes('公示中'), 'still 公示中');
  await axe(appr, 'application (公示中, refusal)');
  await shot(appr, 'notice_refused');

  // The queue filtered to 公示中: its results page.
  await appr.goto(base + '/console/queue?status=' + encodeURIComponent('公示中'), { waitUntil: 'load' });
  const filtered = await text(appr);
  check(filtered.includes(fx.number) && filtered.includes(until), 'queue filtered to 公示中 lists it with its end date');
  await axe(appr, 'queue (filtered to 公示中)');
  await shot(appr, 'queue_notice');
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: (process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []).concat(
      ['--disable-dev-shm-usage', '--lang=zh-CN', '--font-render-hinting=none']),
  });
  try {
    if (phase === 'main') await mainPhase(browser);
    else if (phase === 'restart') await restartPhase(browser);
    else if (phase === 'e2e') await e2ePhase(browser);
    else if (phase === 'flow') await flowPhase(browser);
    else throw new Error('unknown phase ' + phase);
  } catch (e) {
    failures++;
    console.log('FAIL exception: ' + (e && e.stack ? e.stack : e));
  } finally {
    await browser.close();
  }
  console.log(`console-test ${phase}: ${checks} checks, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
})();
