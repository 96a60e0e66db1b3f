#!/usr/bin/env python3
"""The HTML report in a real browser (doc/report.md).

    browser.py HSEC EXAMPLES_DIR BUILD_DIR [--offline]

For every example scenario: `hsec report` writes the page; headless
Chromium loads it and must log no console message at all (it has no
script); its DOM (--dump-dom) must hold every chart's <svg> with drawn
content and its table; a screenshot at A4 proportions is kept as
BUILD_DIR/report-<example>.png; and the numbers in the charts' tables
must be those of `hsec run` (and `hsec compare`) to the printed precision.

With --offline: every page makes no network request: no <link>, no
<script src>, and no src, href or url() that is not a fragment (#id).

Console messages are read from Chromium's own log (--enable-logging=stderr
--v=0), where each one is a line "CONSOLE:line] message" (older versions:
"CONSOLE(line)]"). The test first loads a probe page that writes a console error
and checks that the log shows it, so that a Chromium that logs otherwise
fails the test instead of passing it unseen. No DevTools client is needed.

Exit 77 (skipped) only when no Chromium is installed.
"""
import html.parser
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

EXAMPLES = ["energy-cascade", "sahel-drought-displacement", "epidemic-conflict",
            "collective-defence", "economy-demand", "economy-supply"]
DIMS = ["economic", "food", "health", "environmental", "personal", "community", "political"]
ORDERS = ["1st order", "2nd order", "3rd order", "4th+ order"]
BANDS = ["short", "medium", "long"]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(exe, url, *extra):
    """Run headless Chromium on url: (stdout, stderr)."""
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
               "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
               *extra, url]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    return p.stdout, p.stderr


CONSOLE = re.compile(r":CONSOLE[(:]\d+\)?\] (.*)")


def console_problems(log):
    """Every console message in Chromium's log. The page has no script, so
    any message (an error, a resource that failed to load, a refused
    request) is one too many; Chromium logs console.error at INFO level,
    so the level is no guide."""
    out = []
    for line in log.splitlines():
        m = CONSOLE.search(line)
        if m:
            out.append(m.group(1))
        elif "Uncaught" in line or "Refused to" in line or "net::ERR" in line:
            out.append(line)
    return out


class Page(html.parser.HTMLParser):
    """Charts (figure.chart: svg.plot with its elements) and data tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.figures = []   # [{"svg": elements inside, "tables": n}]
        self.tables = []    # [{"kind", "key", "rows": [[cells]]}]
        self.links = []     # (tag, attribute, value) of src/href/style
        self.bad = []       # <link>, <script src>
        self.styles = []
        self.in_style = False
        self.table = None
        self.row = None
        self.cell = None
        self.svg_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "style") or (v and "url(" in v):
                self.links.append((tag, k, v or ""))
        if tag == "link" or (tag == "script" and "src" in a):
            self.bad.append(tag)
        if tag == "style":
            self.in_style = True
        if tag == "figure" and "chart" in (a.get("class") or "").split():
            self.figures.append({"svg": -1, "tables": 0, "id": a.get("id")})
        if tag == "svg" and "plot" in (a.get("class") or "").split() and self.figures:
            self.figures[-1]["svg"] = 0
            self.svg_depth = 1
        elif self.svg_depth:
            self.figures[-1]["svg"] += 1
            if tag not in ("br", "img", "meta"):
                self.svg_depth += 1
        if tag == "table" and a.get("data-kind"):
            self.table = {"kind": a["data-kind"], "key": a.get("data-key", ""), "rows": []}
            if self.figures and a.get("class") == "data":
                self.figures[-1]["tables"] += 1
        if tag == "tr" and self.table is not None:
            self.row = []
        if tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.svg_depth > 1:
            self.svg_depth -= 1

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if self.svg_depth:
            self.svg_depth -= 1
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.table["rows"].append(self.row)
            self.row = None
        if tag == "table" and self.table is not None:
            self.tables.append(self.table)
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.in_style:
            self.styles.append(data)


def number(text):
    """A printed number and half its last digit's unit."""
    t = text.replace(",", "").rstrip("%")
    if t in ("n/a", ""):
        return math.nan, 0
    dec = len(t.split(".")[1]) if "." in t else 0
    x = float(t)
    if text.endswith("%"):
        return x / 100, 0.5 * 10 ** -dec / 100
    return x, 0.5 * 10 ** -dec


def same(printed, value, what):
    x, half = number(printed)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if not math.isnan(x):
            fail("%s: printed %s, the document has none" % (what, printed))
        return
    if abs(x - value) > half * (1 + 1e-9) + 1e-9 * abs(value):
        fail("%s: printed %s, the document has %r" % (what, printed, value))


def run_json(hsec, *args):
    p = subprocess.run([hsec, *args], capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise SystemExit("hsec %s failed: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout)


def check_values(name, page, res, cmp):
    groups, burden = res["groups"], res["burden"]
    checked = 0
    for t in page.tables:
        kind, key, rows = t["kind"], t["key"], t["rows"]
        head, body = rows[0], rows[1:]
        if kind == "groups-burden":
            for r in body:
                if r[0] in burden["groups"]:
                    same(r[1], burden["groups"][r[0]], "%s: burden of %s" % (name, r[0]))
                    checked += 1
        elif kind == "orders":
            for k, r in enumerate(body):
                same(r[1], burden["orders"][k], "%s: burden of %s" % (name, r[0]))
                checked += 1
        elif kind == "bands":
            for k, r in enumerate(body):
                same(r[1], burden["bands"][BANDS[k]], "%s: band %s" % (name, r[0]))
                checked += 1
        elif kind == "group-orders":
            dims = groups[key]["peak"]["dimensions"]
            for r in body:
                for k in range(4):
                    same(r[1 + k], dims[r[0]]["orders"][k],
                         "%s: %s.%s %s at the peak" % (name, key, r[0], ORDERS[k]))
                    checked += 1
        elif kind == "series":
            g = groups[key]
            base = {}
            for d in DIMS:
                dd = g["peak"]["dimensions"][d]
                base[d] = dd["y"] - sum(dd["orders"])
            for r in body:
                step = int(r[0].replace(",", ""))
                for col, cell in zip(head[1:], r[1:]):
                    if col == "index":
                        for at in ("peak", "last"):
                            if g[at]["step"] == step:
                                same(cell, g[at]["index"],
                                     "%s: %s index at step %d" % (name, key, step))
                                checked += 1
                        continue
                    node = res["nodes"].get(key + "." + col, {})
                    if "series" in node:
                        y = min(1.0, base[col] + node["series"][step])
                        same(cell, y, "%s: %s.%s at step %d" % (name, key, col, step))
                        checked += 1
                    if g["peak"]["step"] == step:
                        same(cell, g["peak"]["dimensions"][col]["y"],
                             "%s: %s.%s at its peak" % (name, key, col))
                        checked += 1
        elif kind == "orders-time":
            total = 0.0
            for r in body:
                a, b = (int(v.replace(",", "")) for v in r[0].split("-"))
                total += number(r[-1])[0] * (b - a + 1)
            prop = burden["propagated"]
            if abs(total - prop) > 1e-3 * abs(prop) + 1:
                fail("%s: the burden by order over time adds up to %g, not %g"
                     % (name, total, prop))
            checked += 1
        elif kind in ("averted-orders", "averted-bands") and cmp:
            for r in body:
                av = cmp["packages"][r[0]]["averted"]
                for k, cell in enumerate(r[1:]):
                    v = av["orders"][k] if kind == "averted-orders" else av["bands"][BANDS[k]]
                    same(cell, v, "%s: %s averted %s" % (name, r[0], head[k + 1]))
                    checked += 1
    for t in page.tables:
        if t["kind"] == "impacts":
            for r in t["rows"][1:]:
                f = burden["flags"][r[0]]
                same(r[2], f["burden"], "%s: burden of %s" % (name, r[0]))
                same(r[4], f["per_capita"], "%s: per capita of %s" % (name, r[0]))
                checked += 2
    return checked


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def offline(page, name):
    if page.bad:
        fail("%s: the page loads something: %s" % (name, page.bad))
    for tag, attr, value in page.links:
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", value) if attr != "href" and \
                attr != "src" else [value]:
            if not url.startswith("#") or "//" in url or "http" in url:
                fail("%s: <%s %s=%r> is not a fragment of the page" % (name, tag, attr, value))
    for css in page.styles:
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css):
            if not url.startswith("#"):
                fail("%s: a style loads %r" % (name, url))
        if "@import" in css:
            fail("%s: a style imports" % name)


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    hsec, examples, build = sys.argv[1:4]
    only_offline = "--offline" in sys.argv[4:]
    exe = browser()
    if not only_offline and not exe:
        print("chromium is not installed: skipped")
        return 77
    os.makedirs(build, exist_ok=True)
    if not only_offline:
        # the probe: a console error must show in the log read below
        probe = os.path.join(build, "report-probe.html")
        with open(probe, "w") as f:
            f.write("<!DOCTYPE html><title>probe</title><script>"
                    "console.error('hsec-probe-error')</script>")
        _, log = chromium(exe, "file://" + os.path.abspath(probe), "--dump-dom")
        if not any("hsec-probe-error" in p for p in console_problems(log)):
            fail("the console check cannot see console errors in Chromium's log:\n" + log)
    for ex in EXAMPLES:
        scen = os.path.join(examples, ex + ".json")
        out = os.path.abspath(os.path.join(build, "report-%s.html" % ex))
        p = subprocess.run([hsec, "report", scen, "-o", out], capture_output=True, text=True,
                           timeout=300)
        if p.returncode:
            fail("%s: hsec report failed (%d): %s" % (ex, p.returncode, p.stderr))
            continue
        with open(out, encoding="utf-8") as f:
            text = f.read()
        page = Page()
        page.feed(text)
        offline(page, ex)
        if only_offline:
            continue
        res = run_json(hsec, "run", scen)
        doc = json.load(open(scen))
        cmp = run_json(hsec, "compare", scen) if doc.get("packages") else None
        if cmp and not any(t["kind"] == "averted-orders" for t in page.tables):
            fail("%s: the scenario has packages, the page no comparison" % ex)
        dom, log = chromium(exe, "file://" + out, "--dump-dom")
        for problem in console_problems(log):
            fail("%s: console: %s" % (ex, problem))
        shown = Page()
        shown.feed(dom)
        if not shown.figures:
            fail("%s: the browser shows no chart" % ex)
        for fig in shown.figures:
            if fig["svg"] <= 0:
                fail("%s: chart %s has %s" % (ex, fig["id"], "no svg" if fig["svg"] < 0
                                                  else "an empty svg"))
            if fig["tables"] != 1:
                fail("%s: chart %s has %d tables of its numbers" % (ex, fig["id"],
                                                                   fig["tables"]))
        if len(shown.figures) != len(page.figures):
            fail("%s: %d charts written, %d in the browser's DOM"
                 % (ex, len(page.figures), len(shown.figures)))
        shot = os.path.abspath(os.path.join(build, "report-%s.png" % ex))
        if os.path.exists(shot):
            os.remove(shot)
        chromium(exe, "file://" + out, "--screenshot=" + shot, "--window-size=1240,1754")
        if not os.path.exists(shot) or png_size(shot) != (1240, 1754):
            fail("%s: no 1240x1754 screenshot at %s" % (ex, shot))
        n = check_values(ex, shown, res, cmp)
        if n < 20:
            fail("%s: only %d numbers compared" % (ex, n))
        print("%s: %d charts, %d numbers equal to the documents', %s"
              % (ex, len(shown.figures), n, shot))
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
