// The phone upload page in Debian's chromium with a phone's viewport (360x740, touch),
// against the real yimen-server; yimen-phone-kiosk stands in for the kiosk. Run by
// run_phone_test.sh with its fixture. Checks: the page loads libsodium under its CSP,
// two ~3 MB photos are downscaled, sealed and sent with progress to 100 %, a text file
// is refused in Chinese while the photos go on, 完成 ends it, the kiosk opens both and
// they are JPEGs of at most 1600 px, the spent link shows the 410 page, axe-core finds
// nothing on the page or the 410 page, the server's log never holds a token. Then it
// measures (prints, never asserts) the same upload on DevTools' "Slow 4G" against a
// plain upload of the two original files on the same emulated link.
//
// Another test (the kiosk-to-phone end-to-end one) can require this file and reuse
// phonePage(), sodiumReady(), uploadPhotos() and tapDone(): they only need a browser
// and a link's /m/<token> opened on the server; run as a script it does all of the above.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const puppeteer = require('puppeteer-core');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// The fixture run_phone_test.sh wrote (only when run as a script).
const fx = require.main === module ? JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) : {};
// DevTools' "Slow 4G" preset (puppeteer's PredefinedNetworkConditions, the same figures
// as chromium's devtools-frontend): bytes per second and milliseconds.
const SLOW_4G = {
  download: ((1.6 * 1000 * 1000) / 8) * 0.9,
  upload: ((750 * 1000) / 8) * 0.9,
  latency: 150 * 3.75,
};
const PHONE = { width: 360, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

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
  check(found.length === 0, `axe: no violations on ${name}`);
}

async function shot(page, name) {
  fs.mkdirSync(fx.screenshots, { recursive: true });
  await page.screenshot({ path: path.join(fx.screenshots, `phone_${name}.png`), fullPage: true });
}

// A link from the stand-in kiosk: {url, link_id, secret_key, path, token}.
function makeLink(maxFiles) {
  const link = JSON.parse(execFileSync(fx.tool, ['link', fx.state, String(maxFiles)],
                                       { encoding: 'utf8' }));
  link.path = new URL(link.url).pathname;
  link.token = link.path.split('/').pop();
  return link;
}

// The kiosk polling for `count` files; resolves {code, files}.
function receive(link, count) {
  return new Promise((resolve) => {
    const child = spawn(fx.tool, ['receive', fx.state, link.link_id, link.secret_key,
                                  String(count), '600']);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => {
      const files = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      resolve({ code, files });
    });
  });
}

async function phonePage(browser) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(PHONE);
  page.problems = [];
  // The 410 of a spent link is expected; anything else the console reports is not.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 410/.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

async function sodiumReady(page) {
  try {
    await page.waitForFunction(() => !!(window.sodium && window.sodium.ready), { timeout: 30000 });
  } catch (e) {
    const seen = await page.evaluate(() => `sodium ${typeof window.sodium}, libsodium ${typeof window.libsodium}`);
    throw new Error(`libsodium did not load (${seen}): ${page.problems.join(' | ')}`);
  }
  return page.evaluate(() => window.sodium.ready.then(
    () => typeof window.sodium.crypto_box_seal === 'function'));
}

// Chooses `files` with the page's picker (as 拍照或选照片 would) and waits until every
// row is at 100 %. Returns the progress values seen per row and the time taken (ms).
async function uploadPhotos(page, files, onProgress) {
  const before = await page.$$eval('#files li', (l) => l.length);
  const input = await page.$('#pick');
  const started = Date.now();
  await input.uploadFile(...files);
  const seen = files.map(() => new Set());
  for (;;) {
    const rows = await page.$$eval('#files li', (l) => l.map((li) => ({
      p: Number(li.getAttribute('data-progress') || 0), cls: li.className })));
    const mine = rows.slice(before);
    mine.forEach((r, i) => { if (seen[i]) seen[i].add(r.p); });
    if (onProgress) await onProgress(mine);
    if (mine.length === files.length && mine.every((r) => r.p === 100 || /failed/.test(r.cls))) {
      return { ms: Date.now() - started, seen: seen.map((s) => Array.from(s)), rows: mine };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function tapDone(page) {
  await page.tap('#done');
  await page.waitForSelector('#finished:not([hidden])', { timeout: 30000 });
}

async function functional(browser) {
  const link = makeLink(4);
  const page = await phonePage(browser);
  const response = await page.goto(fx.base + link.path, { waitUntil: 'load' });
  const headers = response.headers();
  check(response.status() === 200, 'the link opens the page (200)');
  check(headers['referrer-policy'] === 'no-referrer' && headers['cache-control'] === 'no-store' &&
        headers['x-content-type-options'] === 'nosniff', 'no-referrer, no-store, nosniff');
  check(/script-src 'self' 'wasm-unsafe-eval'/.test(headers['content-security-policy'] || ''),
        'strict CSP with wasm-unsafe-eval');
  check(await sodiumReady(page), 'libsodium loads and is ready under the CSP');
  check((await page.$eval('#left', (e) => e.textContent)).includes('还可以传 4 张'),
        'says how many photos it can take');
  await shot(page, 'start');
  await axe(page, 'the upload page');

  const kiosk = receive(link, 2);
  const sent = await uploadPhotos(page, fx.photos);
  check(sent.rows.every((r) => r.p === 100), 'both photos reach 100 %');
  check((await page.$eval('#left', (e) => e.textContent)).includes('还可以传 2 张'),
        'two more may be sent');

  // A text file is refused in Chinese; the photos already sent stay sent.
  await (await page.$('#pick')).uploadFile(fx.text);
  await page.waitForSelector('#message:not([hidden])');
  const refusal = await page.$eval('#message', (e) => e.textContent);
  check(refusal.includes('不是照片'), `a non-image is refused in Chinese: ${refusal}`);
  check((await page.$$eval('#files li.ok', (l) => l.length)) === 2, 'the two photos stay sent');
  await shot(page, 'refusal');

  await tapDone(page);
  check((await page.$eval('#finished', (e) => e.textContent)).includes('已传好，请回到一体机上继续'),
        '完成 says 已传好，请回到一体机上继续');
  await shot(page, 'done');

  const got = await kiosk;
  check(got.code === 0 && got.files.length === 2, `the kiosk has both photos (${got.files.length})`);
  for (const f of got.files) {
    check(f.ok && Math.max(f.width, f.height) <= 1600,
          `photo ${f.seq}: a JPEG that decodes, ${f.width}x${f.height}, ${f.jpeg_bytes} bytes`);
  }
  execFileSync(fx.tool, ['spend', fx.state, link.link_id]);
  const again = await page.goto(fx.base + link.path, { waitUntil: 'load' });
  check(again.status() === 410, 'the spent link answers 410');
  check((await page.evaluate(() => document.body.innerText))
    .includes('这个链接已经用过或过期了，请在一体机上重新扫码'), 'the 410 page says so in Chinese');
  await shot(page, 'gone');
  await axe(page, 'the 410 page');
  check(page.problems.length === 0, `no script errors or CSP refusals (${page.problems.join(' | ')})`);
  check(!fs.readFileSync(fx.log, 'utf8').includes(link.token), 'the token is not in the server log');
  await page.close();
}

// The network lost mid-visit: the photo's row says so in Chinese with 重试, and 重试
// sends it once the network is back; a link spent meanwhile shows the expired text.
async function lostNetwork(browser) {
  const link = makeLink(1);
  const page = await phonePage(browser);
  await page.goto(fx.base + link.path, { waitUntil: 'load' });
  await sodiumReady(page);
  const client = await page.createCDPSession();
  await client.send('Network.enable');
  const offline = (yes) => client.send('Network.emulateNetworkConditions', {
    offline: yes, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await offline(true);
  await (await page.$('#pick')).uploadFile(fx.photos[0]);
  await page.waitForSelector('#files li.failed button', { timeout: 30000 });
  const said = await page.$eval('#files li.failed', (e) => e.textContent);
  check(said.includes('网络断了') && said.includes('重试'), `offline: ${said}`);
  check((await page.$eval('#left', (e) => e.textContent)).includes('请点“重试”'),
        'offline: the count line asks for 重试, not for 完成');
  await page.tap('#done');
  check((await page.$eval('#message', (e) => e.textContent)).includes('请先点“重试”'),
        'offline: 完成 waits for the unsent photo');
  check(await page.$eval('#finished', (e) => e.hidden), 'offline: not finished');
  await shot(page, 'offline');
  await offline(false);
  await page.tap('#files li.failed button');
  await page.waitForSelector('#files li.ok', { timeout: 60000 });
  check((await page.$eval('#left', (e) => e.textContent)).includes('够了'),
        '重试 sent it once the network was back, and the link is full');
  execFileSync(fx.tool, ['spend', fx.state, link.link_id]);
  await page.tap('#done');
  await page.waitForSelector('#gone:not([hidden])', { timeout: 30000 });
  check((await page.$eval('#gone', (e) => e.textContent))
    .includes('这个链接已经用过或过期了，请在一体机上重新扫码'), 'a link spent meanwhile: the expired text');
  page.problems = page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p));
  check(page.problems.length === 0, `no other script errors (${page.problems.join(' | ')})`);
  await page.close();
}

// Slow 4G: the page's upload of the two photos, and a plain upload of the originals.
async function measure(browser) {
  const link = makeLink(4);
  const page = await phonePage(browser);
  const client = await page.createCDPSession();
  await client.send('Network.enable');
  await client.send('Network.emulateNetworkConditions', {
    offline: false, latency: SLOW_4G.latency, downloadThroughput: SLOW_4G.download,
    uploadThroughput: SLOW_4G.upload });
  let t = Date.now();
  await page.goto(fx.base + link.path, { waitUntil: 'load' });
  await sodiumReady(page);
  const pageMs = Date.now() - t;
  const kiosk = receive(link, 2);
  t = Date.now();
  let progressShot = false;
  const sent = await uploadPhotos(page, fx.photos, async (rows) => {
    if (!progressShot && rows.length && rows[0].p > 20 && rows[0].p < 90) {
      progressShot = true;
      await shot(page, 'progress');
    }
  });
  const got = await kiosk;
  const kioskMs = Math.max(...got.files.map((f) => f.arrived_ms)) - t;
  check(got.code === 0 && got.files.length === 2, 'Slow 4G: the kiosk has both photos');
  check(sent.seen.every((s) => s.some((p) => p > 0 && p < 100)),
        `Slow 4G: each photo's bar moved through values between 0 and 100 (${
          sent.seen.map((s) => s.length).join(', ')} values seen)`);
  const sealedBytes = got.files.reduce((n, f) => n + f.sealed_bytes, 0);
  await tapDone(page);
  execFileSync(fx.tool, ['spend', fx.state, link.link_id]);

  // The baseline: the same two original files sent as they are, one after the other.
  const plain = makeLink(4);
  await page.goto(fx.base + plain.path, { waitUntil: 'load' });
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'plain';
    document.body.appendChild(input);
  });
  await (await page.$('#plain')).uploadFile(...fx.photos);
  const plainMs = await page.evaluate((target) => new Promise((resolve, reject) => {
    const files = document.getElementById('plain').files;
    const started = Date.now();
    let i = 0;
    function next() {
      if (i === files.length) { resolve(Date.now() - started); return; }
      const xhr = new XMLHttpRequest();
      xhr.open('POST', target);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.onload = () => (xhr.status === 201 ? next() : reject(new Error('status ' + xhr.status)));
      xhr.onerror = () => reject(new Error('network'));
      xhr.send(files[i++]);
    }
    next();
  }), plain.path + '/files');
  execFileSync(fx.tool, ['spend', fx.state, plain.link_id]);
  const originals = fx.photos.reduce((n, p) => n + fs.statSync(p).size, 0);
  console.log(`measure: network "Slow 4G" (DevTools preset): up ${SLOW_4G.upload} B/s, ` +
              `down ${SLOW_4G.download} B/s, latency ${SLOW_4G.latency} ms`);
  console.log(`measure: page load incl. libsodium ready: ${pageMs} ms`);
  console.log(`measure: two photos (${originals} bytes originals, ${sealedBytes} bytes sealed): ` +
              `chosen -> both uploaded ${sent.ms} ms, chosen -> at the stand-in kiosk ${kioskMs} ms`);
  console.log(`measure: baseline, the two originals sent as they are: ${plainMs} ms`);
  await page.close();
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: (process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []).concat(
      ['--disable-dev-shm-usage', '--lang=zh-CN', '--font-render-hinting=none']),
  });
  try {
    await functional(browser);
    await lostNetwork(browser);
    if (!process.env.YIMEN_PHONE_SKIP_MEASURE) await measure(browser);
  } catch (e) {
    failures++;
    console.log('FAIL exception: ' + (e && e.stack ? e.stack : e));
  } finally {
    await browser.close();
  }
  console.log(`phone-test: ${checks} checks, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
}

module.exports = { PHONE, SLOW_4G, phonePage, sodiumReady, uploadPhotos, tapDone };
if (require.main === module) main();
