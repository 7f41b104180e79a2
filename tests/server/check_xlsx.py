#!/usr/bin/env python3
"""Reads an .xlsx the way a spreadsheet would, with nothing but python3's zipfile and
xml.etree (an independent reader: it shares no code with libxlsxwriter or the server),
and prints every cell as JSON so a test can compare each row.

  check_xlsx.py FILE            -> {"sheets": [{"name": ..., "rows": [[cell, ...], ...]}]}

A cell is a string (shared or inline string), a number (int when whole), or null for a
gap. Numbers keep their number format code beside them in "formats" (row, col -> code)
so a test can see that money is shown with two decimals. Exits 1 with a message when the
file is not a well-formed workbook (bad zip, missing part, a cell that names a shared
string that does not exist).
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00"}


def fail(message):
    print("check_xlsx: " + message, file=sys.stderr)
    sys.exit(1)


def text_of(node):
    # A string item is <t> or rich-text runs <r><t>; phonetic runs (<rPh>) are not text.
    parts = [t.text or "" for t in node.findall("m:t", NS)]
    for run in node.findall("m:r", NS):
        parts.extend(t.text or "" for t in run.findall("m:t", NS))
    return "".join(parts)


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def main():
    if len(sys.argv) != 2:
        fail("usage: check_xlsx.py FILE.xlsx")
    try:
        book = zipfile.ZipFile(sys.argv[1])
    except zipfile.BadZipFile as error:
        fail("not a zip: %s" % error)
    bad = book.testzip()
    if bad is not None:
        fail("corrupt member " + bad)
    names = set(book.namelist())
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if part not in names:
            fail("missing " + part)

    shared = []
    if "xl/sharedStrings.xml" in names:
        root = ET.fromstring(book.read("xl/sharedStrings.xml"))
        shared = [text_of(si) for si in root.findall("m:si", NS)]

    formats = {}  # cell style index -> number format code
    if "xl/styles.xml" in names:
        styles = ET.fromstring(book.read("xl/styles.xml"))
        custom = {int(f.get("numFmtId")): f.get("formatCode")
                  for f in styles.findall("m:numFmts/m:numFmt", NS)}
        for index, xf in enumerate(styles.findall("m:cellXfs/m:xf", NS)):
            fmt_id = int(xf.get("numFmtId", "0"))
            formats[index] = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, str(fmt_id)))

    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    out = {"sheets": []}
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        target = targets[sheet.get(REL)]
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path not in names:
            fail("missing " + path)
        root = ET.fromstring(book.read(path))
        rows, cell_formats = [], {}
        for row in root.findall("m:sheetData/m:row", NS):
            r = int(row.get("r")) - 1
            while len(rows) <= r:
                rows.append([])
            cells = rows[r]
            for c in row.findall("m:c", NS):
                col = column_index(c.get("r"))
                kind = c.get("t", "n")
                value_node = c.find("m:v", NS)
                if kind == "s":
                    index = int(value_node.text)
                    if index >= len(shared):
                        fail("cell %s names shared string %d of %d" % (c.get("r"), index, len(shared)))
                    value = shared[index]
                elif kind == "inlineStr":
                    value = text_of(c.find("m:is", NS))
                elif kind in ("str", "e"):
                    fail("cell %s holds a formula or error (t=%s)" % (c.get("r"), kind))
                elif value_node is None:
                    value = None
                else:
                    number = float(value_node.text)
                    value = int(number) if number.is_integer() else number
                    style = int(c.get("s", "0"))
                    cell_formats["%d,%d" % (r, col)] = formats.get(style, "General")
                if c.find("m:f", NS) is not None:
                    fail("cell %s holds a formula" % c.get("r"))
                while len(cells) <= col:
                    cells.append(None)
                cells[col] = value
        out["sheets"].append({"name": sheet.get("name"), "rows": rows, "formats": cell_formats})
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
