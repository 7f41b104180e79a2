#!/usr/bin/env python3
"""The Cantonese audit (docs/internals/voice.md): every Chinese sentence the kiosk can
say, as our voice hands it to espeak-ng's yue voice (yimen-pinyin --yue: reviewed words
already replaced by Jyutping phonemes), is read by espeak (-x), and each syllable is
compared with Rime's Jyutping dictionary (librime-data-jyutping; its words by longest
match, a character by its most frequent reading). Rime's data has no tones, so syllables
are compared without them. Every difference must be fixed in
assets/voice/cantonese_readings.txt or reviewed in tests/voice/cantonese_exceptions.tsv
(where espeak's reading is right too: a colloquial reading, or Rime's pick is another).

  cantonese_audit.py YIMEN_PINYIN REPO_ROOT
"""
import ctypes
import ctypes.util
import os
import re
import subprocess
import sys

JYUTPING = '/usr/share/rime-data/jyutping.dict.yaml'
HAN = re.compile(r'[\u3400-\u9fff]+')
VOWELS = set('aeiouy')
INITIALS = {'', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'ng', 'h', 'gw', 'kw', 'w',
            'z', 'c', 's', 'j'}


def split_word(flat, expected):
    """Splits one espeak -x word ("Na4nhong4") into toneless syllables. A consonant
    between two syllables may end the first (a -n -m -p -t -k coda) or start the second;
    where both are possible the split that agrees with Rime's `expected` wins, else the
    longest initial that is a Cantonese initial."""
    flat = flat.replace('N', 'ng')
    digits = [i for i, c in enumerate(flat) if c in '123456']
    out, start = [], 0
    for n, d in enumerate(digits):
        body = flat[start:d]
        if n + 1 == len(digits):
            out.append(body + flat[d + 1:])
            break
        nxt = flat[d + 1:digits[n + 1]]
        if nxt in ('m', 'ng'):  # syllabic m / ng next: no coda here
            out.append(body)
            start = d + 1
            continue
        v = next((i for i, c in enumerate(nxt) if c in VOWELS), len(nxt))
        consonants = nxt[:v]
        options = [(consonants[:1], consonants[1:])] if consonants[:1] in ('n', 'm', 'p', 't', 'k') else []
        options.append(('', consonants))
        want = expected[n] if n < len(expected) else None
        choice = next((o for o in options if body + o[0] == want and o[1] in INITIALS), None)
        if choice is None:
            choice = next((o for o in reversed(options) if o[1] in INITIALS), options[0])
        out.append(body + choice[0])
        start = d + 1 + len(choice[0])
    return out


def open_s2t():
    lib = ctypes.CDLL(ctypes.util.find_library('opencc') or 'libopencc.so.1.1')
    lib.opencc_open.restype = ctypes.c_void_p
    lib.opencc_open.argtypes = [ctypes.c_char_p]
    lib.opencc_convert_utf8.restype = ctypes.c_void_p
    lib.opencc_convert_utf8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.opencc_convert_utf8_free.argtypes = [ctypes.c_void_p]
    handle = lib.opencc_open(b's2t.json')

    def s2t(text):
        data = text.encode()
        out = lib.opencc_convert_utf8(handle, data, len(data))
        result = ctypes.string_at(out).decode()
        lib.opencc_convert_utf8_free(out)
        return result
    return s2t


def load_rime():
    table, body = {}, False
    with open(JYUTPING, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line == '...':
                body = True
                continue
            if not body or not line or line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) < 2:
                continue
            weight = 100.0
            if len(fields) > 2 and fields[2]:
                try:
                    weight = float(fields[2].rstrip('%'))
                except ValueError:
                    pass
            key, reading = fields[0], fields[1].split()
            if len(reading) == len(key) and (key not in table or weight > table[key][1]):
                table[key] = (reading, weight)
    return table


def rime_reading(table, trad):
    out, i = [], 0
    while i < len(trad):
        for n in range(min(8, len(trad) - i), 0, -1):
            if trad[i:i + n] in table:
                out += table[trad[i:i + n]][0]
                i += n
                break
        else:
            out.append('?')
            i += 1
    return out


def espeak_syllables(runs, expected):
    text = '\n'.join(runs) + '\n'
    out = subprocess.run(['espeak-ng', '-v', 'yue', '-x', '-q'], input=text,
                         capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.split('\n') if l.strip()]
    if len(lines) != len(runs):
        lines = [subprocess.run(['espeak-ng', '-v', 'yue', '-x', '-q', r], capture_output=True,
                                text=True, check=True).stdout for r in runs]
    result = []
    for line, want in zip(lines, expected):
        syllables = []
        for word in line.split('_|'):
            flat = re.sub(r"[',_\s]", '', word)
            if flat:
                syllables += split_word(flat, want[len(syllables):])
        result.append(syllables)
    return result


def main():
    binary, root = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    sentences = subprocess.run(['node', os.path.join(here, 'oracle.mjs'), binary, root,
                                '--sentences'], capture_output=True, text=True,
                               check=True).stdout.split('\n')[:-1]
    fed = subprocess.run([binary, '--yue'], input='\n'.join(sentences) + '\n',
                         capture_output=True, text=True, check=True).stdout.split('\n')
    s2t, table = open_s2t(), load_rime()
    exceptions = {}
    path = os.path.join(root, 'tests/voice/cantonese_exceptions.tsv')
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.rstrip('\n').split('\t')
            if len(fields) != 4 or not fields[3].strip():
                sys.exit(f'{path}:{n}: need context, espeak, rime, reason')
            exceptions[tuple(fields[:3])] = [n, 0]

    pairs = []  # (original run, run as fed to espeak)
    for sentence, line in zip(sentences, fed):
        originals = HAN.findall(sentence)
        given = line.split('\t') if line else []
        if len(originals) == len(given):
            pairs += list(zip(originals, given))
    rimes = [rime_reading(table, s2t(run)) for run, _ in pairs]
    heard = espeak_syllables([g for _, g in pairs], rimes)
    chars = unaligned = 0
    unreviewed = []
    for (run, _), syllables, rime in zip(pairs, heard, rimes):
        if len(syllables) != len(run) or len(rime) != len(run):
            unaligned += 1
            continue
        for k, ch in enumerate(run):
            chars += 1
            if rime[k] in ('?', syllables[k]):
                continue
            context = run[max(0, k - 3):k] + f'[{ch}]' + run[k + 1:k + 4]
            key = (context, syllables[k], rime[k])
            if key in exceptions:
                exceptions[key][1] += 1
            else:
                unreviewed.append('\t'.join(key))
    stale = [k for k, (_, used) in exceptions.items() if not used]
    print(f'runs: {len(pairs)}, characters compared: {chars}, runs not aligned: {unaligned}')
    print(f'reviewed differences: {len(exceptions) - len(stale)}, '
          f'fixed words: {sum(1 for l in open(os.path.join(root, "assets/voice/cantonese_readings.txt"), encoding="utf-8") if l.strip() and not l.startswith("#"))}')
    for u in sorted(set(unreviewed)):
        print(f'UNREVIEWED\t{u}')
    for k in stale:
        print(f'STALE line {exceptions[k][0]}\t' + '\t'.join(k))
    failed = len(set(unreviewed)) + len(stale)
    print(f'{chars - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
