// The resident's phone in the kiosk's end-to-end test (tests/ui/run_phone_script.sh with
// "# phone-browser: yes"): Debian's chromium with a phone's viewport opens the link the
// runner read off the kiosk's QR code, waits for libsodium, chooses FILES with the
// page's picker (as 拍照或选照片 does), waits until every one is sent and taps 完成 —
// the real page (server/mobile/), the real server, the real kiosk polling for them.
// With --slow-4g the link is throttled to DevTools' "Slow 4G" preset first.
// Prints one JSON line: {"chosen_unix_ms", "uploaded_unix_ms", "done_unix_ms"}.
// usage: node phone_send.js URL [--slow-4g] [--shots DIR] FILE...
'use strict';
const path = require('path');
const puppeteer = require('puppeteer-core');
const { SLOW_4G, phonePage, sodiumReady, uploadPhotos, tapDone } = require('./phone_test.js');

async function main() {
  const args = process.argv.slice(2);
  const url = args.shift();
  let slow = false;
  let shots = '';
  const files = [];
  while (args.length) {
    const a = args.shift();
    if (a === '--slow-4g') slow = true;
    else if (a === '--shots') shots = args.shift();
    else files.push(path.resolve(a));
  }
  if (!url || files.length === 0) {
    console.error('usage: node phone_send.js URL [--slow-4g] [--shots DIR] FILE...');
    process.exit(2);
  }
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: (process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []).concat(
      ['--disable-dev-shm-usage', '--lang=zh-CN', '--font-render-hinting=none']),
  });
  let code = 0;
  try {
    const page = await phonePage(browser);
    if (slow) {
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: SLOW_4G.latency,
        downloadThroughput: SLOW_4G.download, uploadThroughput: SLOW_4G.upload,
      });
    }
    const response = await page.goto(url, { waitUntil: 'load', timeout: 120000 });
    if (response.status() !== 200) throw new Error(`the link answered ${response.status()}`);
    if (!(await sodiumReady(page))) throw new Error('libsodium has no crypto_box_seal');
    if (shots) await page.screenshot({ path: path.join(shots, 'phone-page.png') });
    const chosen = Date.now();
    const sent = await uploadPhotos(page, files);
    const failed = sent.rows.filter((r) => /failed/.test(r.cls)).length;
    if (failed) throw new Error(`${failed} photo(s) failed to send`);
    const uploaded = Date.now();
    if (shots) await page.screenshot({ path: path.join(shots, 'phone-sent.png') });
    await tapDone(page);
    if (page.problems.length) throw new Error('the page reported: ' + page.problems.join(' | '));
    console.log(JSON.stringify({ chosen_unix_ms: chosen, uploaded_unix_ms: uploaded,
                                 done_unix_ms: Date.now() }));
  } catch (e) {
    console.error('phone_send: ' + (e && e.stack ? e.stack : e));
    code = 1;
  } finally {
    await browser.close();
  }
  process.exit(code);
}

main();
