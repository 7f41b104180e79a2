// The fleet page in a real browser (issue 13 items 3 and 5): Debian's chromium via
// puppeteer-core, axe-core on each page. Run by run_console_test.sh --suite fleet,
// which enrolls two kiosks, lets both send a heartbeat, backdates the quiet one's in
// PostgreSQL and writes fixture.json (accounts, device ids).
// usage: node fleet_test.js FIXTURE_JSON
//   a township reviewer has no fleet page; the supervisor sees both kiosks, the silent
//   one flagged and first; the revoke page needs a reason and a confirmation; the
//   kiosk is revoked from the browser and shown so; the JSON API agrees.
'use strict';
const fs = require('fs');
const path = require('path');
const { harness } = require('./harness');

const { fx, base, check, axe, shot, signIn, signedIn, bodyText, run: runSuite } =
  harness('fleet');

async function run(browser) {
  // Case workers have no fleet: no link, and the page refuses.
  const reviewer = await signedIn(browser, fx.reviewer);
  check(!(await reviewer.$('a[href="/console/fleet"]')), 'a reviewer has no fleet link');
  const refused = await reviewer.goto(base + '/console/fleet', { waitUntil: 'load' });
  check(refused.status() === 403, `a reviewer's fleet page is refused (${refused.status()})`);

  const sup = await signedIn(browser, fx.supervisor);
  check(!!(await sup.$('a[href="/console/fleet"]')), 'the supervisor has the fleet link');
  const started = Date.now();
  await sup.goto(base + '/console/fleet', { waitUntil: 'load' });
  console.log(`figure: the fleet page loaded in ${Date.now() - started} ms`);
  const rows = await sup.$$eval('table.fleet tbody tr', (trs) => trs.map((tr) => ({
    id: tr.id, cls: tr.className, text: tr.innerText })));
  check(rows.length === 2, `two kiosks listed (${rows.length})`);
  check(rows[0] && rows[0].id === `kiosk-${fx.silent_id}`, 'the silent kiosk comes first');
  check(rows[0] && rows[0].cls.includes('flagged') && rows[0].text.includes('失联'),
        'the silent kiosk is flagged 失联');
  check(rows[0] && /\d+小时前/.test(rows[0].text), 'its last heartbeat reads hours ago');
  const live = rows.find((r) => r.id === `kiosk-${fx.live_id}`);
  check(live && live.text.includes('正常') && !live.cls.includes('flagged'), 'the live kiosk is OK');
  check(live && live.text.includes(fx.key_id), 'the live kiosk shows the key id it seals to');
  check(live && live.text.includes('沙溪大厅') && live.text.includes('沙溪镇'), 'hall and township shown');
  await axe(sup, 'fleet');
  await shot(sup, 'list');

  // Revoke the live kiosk: a page that says what it means, a reason, a confirmation.
  await Promise.all([sup.waitForNavigation({ waitUntil: 'load' }), sup.click(`#revoke-${fx.live_id}`)]);
  check((await bodyText(sup)).includes('不能恢复'), 'the revoke page warns it cannot be undone');
  await axe(sup, 'fleet_revoke');
  const noConfirm = await sup.evaluate(async (id) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch(`/console/fleet/${id}/revoke`, { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}&reason=x` });
    return r.status;
  }, fx.live_id);
  check(noConfirm === 400, `without the confirmation box: refused (${noConfirm})`);
  const noCsrf = await sup.evaluate(async (id) => (await fetch(`/console/fleet/${id}/revoke`, {
    method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'reason=x&confirm=1' })).status, fx.live_id);
  check(noCsrf === 403, `without the CSRF token: 403 (${noCsrf})`);
  await sup.type('#reason', '设备搬迁，旧机停用');
  await sup.click('#confirm');
  await shot(sup, 'revoke');
  await Promise.all([sup.waitForNavigation({ waitUntil: 'load' }), sup.click('#revoke-submit')]);
  const after = await bodyText(sup);
  check(after.includes(`#${fx.live_id} 已停用`), 'the list says which kiosk was revoked');
  const revokedRow = await sup.$eval(`#kiosk-${fx.live_id}`, (tr) => ({ cls: tr.className, text: tr.innerText }));
  check(revokedRow.cls.includes('revoked') && revokedRow.text.includes('设备搬迁'),
        'the row shows revoked, by whom and why');
  check(!(await sup.$(`#revoke-${fx.live_id}`)), 'no revoke link on a revoked kiosk');
  await axe(sup, 'fleet_after');
  await shot(sup, 'revoked');

  // The JSON API says the same.
  const api = await sup.evaluate(async () => (await fetch('/api/office/v1/kiosks')).json());
  const revoked = api.kiosks.find((k) => k.device_id === fx.live_id);
  const silent = api.kiosks.find((k) => k.device_id === fx.silent_id);
  check(revoked && revoked.revoked && revoked.revoke_reason === '设备搬迁，旧机停用', 'API: revoked with its reason');
  check(silent && silent.flags.silent && silent.silent_seconds >= 7200, 'API: the silent flag and its age');
  const again = await sup.evaluate(async (id) => {
    const token = (await (await fetch('/api/office/v1/session')).json()).csrf_token;
    const r = await fetch(`/api/office/v1/kiosks/${id}/revoke`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ reason: 'twice' }) });
    return r.status;
  }, fx.live_id);
  check(again === 409, `API: revoking twice is a conflict (${again})`);
}

runSuite(run);
