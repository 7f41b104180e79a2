#!/usr/bin/env python3
"""Independent readers of what yimen-server gives operators, for the C++ tests.

  ops_check.py metrics FILE   parse a /metrics body with prometheus_client's own
                              parser (Debian python3-prometheus-client) and print one
                              line per sample: name{k="v",...} value (labels sorted),
                              then "# family NAME TYPE" lines. Exit 1 if it does not parse.
  ops_check.py logfmt FILE    parse every line as logfmt (key=value, values bare or
                              double-quoted with backslash escapes) and require the keys
                              level and event. Exit 1 naming the first line that fails.
"""
import sys


def metrics(path):
    from prometheus_client.parser import text_string_to_metric_families
    with open(path, encoding="utf-8") as f:
        text = f.read()
    families = list(text_string_to_metric_families(text))
    for family in families:
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, sample.labels[k]) for k in sorted(sample.labels))
            print("%s{%s} %r" % (sample.name, labels, float(sample.value)))
    for family in families:
        print("# family %s %s" % (family.name, family.type))


def parse_logfmt(line):
    fields = {}
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] == " ":
            i += 1
        if i >= n:
            break
        start = i
        while i < n and line[i] not in "= \"":
            i += 1
        key = line[start:i]
        if not key or i >= n or line[i] != "=":
            raise ValueError("bad key at %d" % start)
        if key in fields:
            raise ValueError("repeated key " + key)
        i += 1
        if i < n and line[i] == '"':
            i += 1
            value = []
            while True:
                if i >= n:
                    raise ValueError("unterminated quote")
                ch = line[i]
                if ch == "\\":
                    esc = line[i + 1:i + 2]
                    if esc == "u":
                        value.append(chr(int(line[i + 2:i + 6], 16)))
                        i += 6
                        continue
                    mapping = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}
                    if esc not in mapping:
                        raise ValueError("bad escape")
                    value.append(mapping[esc])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                value.append(ch)
                i += 1
            if i < n and line[i] != " ":
                raise ValueError("junk after quoted value")
            fields[key] = "".join(value)
        else:
            start = i
            while i < n and line[i] != " ":
                if line[i] in "=\"":
                    raise ValueError("unquoted = or quote in value")
                i += 1
            fields[key] = line[start:i]
    return fields


def logfmt(path):
    count = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            try:
                fields = parse_logfmt(line)
            except (ValueError, IndexError) as e:
                print("line %d is not logfmt (%s): %s" % (number, e, line))
                return 1
            for key in ("level", "event"):
                if key not in fields:
                    print("line %d has no %s: %s" % (number, key, line))
                    return 1
            count += 1
    print("%d logfmt lines" % count)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("metrics", "logfmt"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "metrics":
        metrics(sys.argv[2])
        sys.exit(0)
    sys.exit(logfmt(sys.argv[2]))
