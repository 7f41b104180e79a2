// The outside oracle for the kiosk's Mandarin reader (docs/internals/voice.md): reads
// every Chinese sentence the kiosk can say (UI strings, validation and eligibility
// messages, status texts, the catalog) with pinyin-pro and with our yimen-pinyin, and
// compares them character by character. Every difference must be reviewed in
// tests/voice/pinyin_exceptions.tsv with the correct reading and a reason; an unreviewed
// difference, or an exception that no longer matches anything, fails. Prints the reading
// error rate of both readers against the reviewed truth.
//   node oracle.mjs YIMEN_PINYIN REPO_ROOT [--list | --sentences]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const [binary, root, flag] = process.argv.slice(2);
const isHan = (c) => /\p{Script=Han}/u.test(c) && c !== '〇';

function collect(json, zhOnly, out) {
  if (typeof json === 'string') {
    if (!zhOnly && /\p{Script=Han}/u.test(json)) out.push(json);
  } else if (Array.isArray(json)) {
    for (const v of json) collect(v, zhOnly, out);
  } else if (json && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      if (zhOnly && k === 'zh' && typeof v === 'string') {
        if (/\p{Script=Han}/u.test(v)) out.push(v);
      } else {
        collect(v, zhOnly, out);
      }
    }
  }
}

export function sentences(repo) {
  const out = [];
  const strings = join(repo, 'assets/strings');
  for (const f of readdirSync(strings).filter((f) => f.endsWith('.zh-CN.json')).sort()) {
    collect(JSON.parse(readFileSync(join(strings, f), 'utf8')), false, out);
  }
  const services = join(repo, 'assets/catalog/services');
  for (const f of readdirSync(services).filter((f) => f.endsWith('.json')).sort()) {
    collect(JSON.parse(readFileSync(join(services, f), 'utf8')), true, out);
  }
  collect(JSON.parse(readFileSync(join(repo, 'assets/catalog/catalog.json'), 'utf8')), true, out);
  // One sentence per line for the CLI: a line break inside a string is a long pause.
  return [...new Set(out.map((s) => s.replace(/\r?\n/g, '。')))];
}

const all = sentences(root);
if (flag === '--sentences') {  // for cantonese_audit.py, which needs no pinyin-pro
  process.stdout.write(all.join('\n') + '\n');
  process.exit(0);
}
const { pinyin } = require('pinyin-pro');
const ours = execFileSync(binary, { input: all.join('\n') + '\n', maxBuffer: 1 << 26 })
  .toString('utf8').split('\n');

// Exceptions: context<TAB>ours<TAB>pinyin-pro<TAB>correct<TAB>reason; context is up to
// three characters either side, the character itself in brackets: 核对后[重]新输入.
const exceptions = new Map();
const file = join(root, 'tests/voice/pinyin_exceptions.tsv');
for (const [n, line] of readFileSync(file, 'utf8').split('\n').entries()) {
  if (!line.trim() || line.startsWith('#')) continue;
  const f = line.split('\t');
  if (f.length !== 5 || !f[4].trim()) throw new Error(`${file}:${n + 1}: need 5 fields`);
  const favour = f[3] === f[1] ? 'ours' : f[3] === f[2] ? 'pinyin-pro' : 'neither';
  exceptions.set(`${f[0]}\t${f[1]}\t${f[2]}`,
    { correct: f[3], reason: f[4], used: 0, line: n + 1, favour });
}

// Neutral against full tone (困难 kun4 nan5 / nan2, 看看 kan5 / kan4) is how carefully a
// speaker talks, not a misreading: only the syllable and two full tones are compared.
const same = (a, b) => a === b || (a.slice(0, -1) === b.slice(0, -1) &&
  (a.endsWith('5') || b.endsWith('5')));

let chars = 0, ourErrors = 0, theirErrors = 0, diffs = 0, neutral = 0;
const unreviewed = [];
for (const [i, sentence] of all.entries()) {
  const mine = ours[i].split(' ').filter(Boolean);
  const theirs = pinyin(sentence, { toneType: 'num', type: 'all' })
    .filter((x) => isHan(x.origin))
    .map((x) => x.pinyin.replace('ü', 'v').replace(/0$/, '5'));
  const han = [...sentence];
  const positions = han.flatMap((c, k) => (isHan(c) ? [k] : []));
  if (mine.length !== positions.length || theirs.length !== positions.length) {
    unreviewed.push(`length mismatch: ${sentence} (ours ${mine.length}, pinyin-pro ${theirs.length})`);
    continue;
  }
  for (let k = 0; k < positions.length; ++k) {
    ++chars;
    if (mine[k] === theirs[k]) continue;
    if (same(mine[k], theirs[k])) {
      ++neutral;
      continue;
    }
    ++diffs;
    const p = positions[k];
    const context = han.slice(Math.max(0, p - 3), p).join('') + `[${han[p]}]` +
      han.slice(p + 1, p + 4).join('');
    const key = `${context}\t${mine[k]}\t${theirs[k]}`;
    const e = exceptions.get(key);
    if (!e) {
      unreviewed.push(`${key}\t\t\t${sentence}`);
      ++ourErrors;  // unreviewed: counted against us until someone says otherwise
      continue;
    }
    ++e.used;
    if (e.correct !== mine[k]) ++ourErrors;
    if (e.correct !== theirs[k]) ++theirErrors;
  }
}
const stale = [...exceptions.entries()].filter(([, e]) => e.used === 0);
const pct = (n) => ((100 * n) / chars).toFixed(2);
console.log(`sentences: ${all.length}, Han characters: ${chars}, differences: ${diffs} ` +
  `(and ${neutral} neutral against full tone, not compared)`);
const values = [...exceptions.values()];
console.log(`exceptions: ${values.length} reviewed; ` +
  `pinyin-pro wrong in ${values.filter((e) => e.favour === 'ours').length}, ` +
  `ours wrong in ${values.filter((e) => e.favour === 'pinyin-pro').length}, ` +
  `both wrong in ${values.filter((e) => e.favour === 'neither').length}`);
console.log(`reading errors against the reviewed truth: ours ${ourErrors} (${pct(ourErrors)} %), ` +
  `pinyin-pro ${theirErrors} (${pct(theirErrors)} %)`);
for (const u of unreviewed) console.log(`UNREVIEWED\t${u}`);
for (const [key, e] of stale) console.log(`STALE line ${e.line}\t${key}`);
const failed = unreviewed.length + stale.length;
console.log(`${chars - failed} passed, ${failed} failed`);
if (flag !== '--list') process.exit(failed ? 1 : 0);
