#!/usr/bin/env python3
"""hsec import-io against numpy: random tables written as EXIOBASE/pymrio
tab-separated text (multi-regional, with a unit column) and as CSV, every
coefficient, every shock magnitude and the static linear solution
q = (I - A*)^-1 c checked to 1e-9 relative; then a table refused for each
fault, with its exit status and a message naming the labels.

usage: import_io.py HSEC   (exit 77: skipped, numpy missing)
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    # the system's python3, where tools/install-deps puts numpy
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("numpy is missing: skipped")
    sys.exit(77)

HSEC = os.path.abspath(sys.argv[1])
TOL = 1e-9
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def near(a, b, what):
    check(abs(a - b) <= TOL * max(abs(a), abs(b), 1e-300), f"{what}: {a!r} != {b!r}")


def hsec(*args):
    p = subprocess.run([HSEC] + [str(a) for a in args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def write_tsv(path, rows_lab, cols_lab, data, col_names, unit=None, index_names=None):
    """pandas' to_csv(sep='\\t') layout: a header row per column level
    (its name in the first label cell), the index names' row, then the
    rows; with unit, a unit column after the row labels (EXIOBASE's raw
    text)."""
    nl = len(rows_lab[0]) + (1 if unit else 0)
    with open(path, "w") as f:
        for lvl, name in enumerate(col_names):
            f.write("\t".join([name] + [""] * (nl - 1) + [c[lvl] for c in cols_lab]) + "\n")
        if index_names:
            f.write("\t".join(index_names + (["unit"] if unit else []) + [""] * len(cols_lab)) + "\n")
        for lab, row in zip(rows_lab, data):
            cells = list(lab) + ([unit] if unit else []) + [repr(float(v)) for v in row]
            f.write("\t".join(cells) + "\n")


def csv_cell(s):
    if any(ch in s for ch in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv(path, corner, rows, cols, data):
    with open(path, "w") as f:
        f.write(",".join([csv_cell(corner)] + [csv_cell(c) for c in cols]) + "\r\n")
        for lab, row in zip(rows, data):
            f.write(",".join([csv_cell(lab)] + [repr(float(v)) for v in row]) + "\r\n")


def expected_links(Z, x, supply, keep):
    """{(from, to): weight} over the kept sectors."""
    n = len(x)
    out = {}
    for i in range(n):
        for j in range(n):
            if not (keep[i] and keep[j]):
                continue
            a = (Z[j, i] if supply else Z[i, j]) / x[i]
            if a > 0:
                out[(j, i)] = a
    return out


def check_scenario(doc, Z, x, base, supply, keep, names, shocks, tmp, what):
    """names[i]: (region label or None, sector label) of sector i."""
    n = len(x)
    by = {}
    for s in doc["services"]:
        check(s["kind"] == "economic_sector", f"{what}: {s['id']} kind {s['kind']}")
        rl = None
        if "region" in s:
            rl = next(r.get("label", r["id"]) for r in doc["regions"] if r["id"] == s["region"])
        by[(rl, s["label"])] = s["id"]
    ids = [by.get(names[i]) for i in range(n)]
    for i in range(n):
        check((ids[i] is not None) == bool(keep[i]), f"{what}: sector {names[i]} kept {keep[i]}")
    want = expected_links(Z, x, supply, keep)
    got = {(l["from"], l["to"]): l["weight"] for l in doc["links"]}
    check(len(got) == len(want), f"{what}: {len(got)} links, expected {len(want)}")
    for (j, i), a in want.items():
        key = (ids[j], ids[i])
        check(key in got, f"{what}: link {key} missing")
        if key in got:
            near(got[key], a, f"{what}: link {key}")
    # shocks
    c = np.zeros(n)
    threats = {t["id"]: t for t in doc.get("threats", [])}
    check(len(threats) == len(shocks), f"{what}: {len(threats)} threats, expected {len(shocks)}")
    for i, f in shocks:
        t = threats.get("shock_" + ids[i])
        check(t is not None, f"{what}: no threat shock_{ids[i]}")
        if t is None:
            continue
        check(t.get("actor", "unknown") == "unknown", f"{what}: actor {t.get('actor')}")
        mag = t["targets"][0]["magnitude"]
        near(mag, f * base[i], f"{what}: magnitude of shock_{ids[i]}")
        c[i] = f * base[i]
    # the static linear solution against numpy's
    k = [i for i in range(n) if keep[i]]
    A = np.zeros((n, n))
    for (j, i), a in want.items():
        A[i, j] = a
    Ak = A[np.ix_(k, k)]
    q = np.linalg.solve(np.eye(len(k)) - Ak, c[k])
    doc = dict(doc)
    doc["run"] = {"mode": "static", "bounded": False}
    path = os.path.join(tmp, "linear.json")
    with open(path, "w") as fp:
        json.dump(doc, fp)
    rc, out, err = hsec("run", path)
    check(rc == 0, f"{what}: hsec run: {rc} {err}")
    if rc == 0:
        nodes = json.loads(out)["nodes"]
        for pos, i in enumerate(k):
            near(nodes[ids[i]]["q"], q[pos], f"{what}: q of {ids[i]}")


def multi_regional_tsv(tmp, rng):
    regions, sectors = ["reg1", "reg 2"], ["food", "mining", "manufacturing", "services"]
    names = [(r, s) for r in regions for s in sectors]
    n = len(names)
    Z = rng.uniform(0, 100, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.7)
    cats = ["Final consumption expenditure by households", "Changes in inventories", "Export"]
    Y = np.column_stack([rng.uniform(200, 400, n), rng.uniform(-30, 0, n), rng.uniform(0, 50, n)])
    dead = 6  # reg 2 / manufacturing: no flows, no final demand
    Z[dead, :] = 0
    Z[:, dead] = 0
    Y[dead, :] = 0
    ycols = [(r, c) for r in regions for c in cats]
    Yfull = np.zeros((n, len(ycols)))
    Yfull[:, 0:3] = Y / 2
    Yfull[:, 3:6] = Y / 2
    zp, yp = os.path.join(tmp, "Z.txt"), os.path.join(tmp, "Y.txt")
    write_tsv(zp, names, names, Z, ["region", "sector"], unit="Mill USD",
              index_names=["region", "sector"])
    write_tsv(yp, names, ycols, Yfull, ["region", "category"], unit="Mill USD",
              index_names=["region", "sector"])
    x = Z.sum(1) + Yfull.sum(1)
    keep = [i != dead for i in range(n)]
    for supply in (False, True):
        model = "supply" if supply else "demand"
        out = os.path.join(tmp, f"economy-{model}.json")
        shocks = [(0, 0.3), (5, 0.5)]
        rc, _, err = hsec("import-io", "--flows", zp, "--final-demand", yp, "--model", model,
                          "--shock", "reg1:food=0.3", "--shock", "reg 2:mining=0.5", "-o", out)
        check(rc == 0, f"tsv {model}: exit {rc}: {err}")
        check("hsec: warning:" in err and "reg 2:manufacturing" in err and "dropped" in err,
              f"tsv {model}: warning naming the dropped sector: {err!r}")
        if rc:
            continue
        with open(out) as fp:
            doc = json.load(fp)
        xs = np.where(keep, x, 1)
        if supply:
            base = (x - Z.sum(0)) / xs
        else:
            base = Yfull.sum(1) / xs
        check_scenario(doc, Z, xs, base, supply, keep, names, shocks, tmp, f"tsv {model}")
    return zp, yp, names, Z, Yfull


def single_region_csv(tmp, rng):
    sectors = ['Crops, "organic"', "Energy", "Trade & repair", "Health"]
    n = len(sectors)
    Z = rng.uniform(0, 50, (n, n))
    x = Z.sum(1) + rng.uniform(100, 200, n)
    x = np.maximum(x, Z.sum(0) + 1)  # value added > 0
    zp, xp = os.path.join(tmp, "Z.csv"), os.path.join(tmp, "x.csv")
    write_csv(zp, "", sectors, sectors, Z)
    write_csv(xp, "sector", sectors, ["output"], x.reshape(n, 1))
    names = [(None, s) for s in sectors]
    out = os.path.join(tmp, "csv.json")
    rc, _, err = hsec("import-io", "--flows", zp, "--output", xp, "--model", "supply",
                      "--shock", 'Crops, "organic"=0.25', "--shock", "Health=1", "-o", out)
    check(rc == 0, f"csv supply: exit {rc}: {err}")
    if rc == 0:
        with open(out) as fp:
            doc = json.load(fp)
        base = (x - Z.sum(0)) / x
        check_scenario(doc, Z, x, base, True, [True] * n, names, [(0, 0.25), (3, 1.0)], tmp,
                       "csv supply")
    # demand, shocks by id, with --min-weight and --region
    rc, out, err = hsec("import-io", "--flows", zp, "--output", xp, "--region", "north",
                        "--min-weight", "0.1", "--shock", "Trade_repair=0.5")
    check(rc == 0, f"csv demand: exit {rc}: {err}")
    if rc == 0:
        doc = json.loads(out)
        want = {k: v for k, v in expected_links(Z, x, False, [True] * n).items() if v >= 0.1}
        check(len(doc["links"]) == len(want), "csv demand: --min-weight")
        check(doc["regions"] == [{"id": "north"}], f"csv demand: regions {doc['regions']}")
        check(all(s["region"] == "north" for s in doc["services"]), "csv demand: --region")
        mag = doc["threats"][0]["targets"][0]["magnitude"]
        near(mag, 0.5 * (x[2] - Z[2].sum()) / x[2], "csv demand: shock by id")
    return zp, xp, sectors, Z, x


def refusals(tmp, tsv, csv):
    zp, yp, names, Z, Y = tsv
    cz, cx, sectors, CZ, cxv = csv

    def expect(args, status, parts, what):
        rc, out, err = hsec("import-io", *args)
        check(rc == status, f"{what}: exit {rc}, expected {status}: {err}")
        for p in parts:
            check(p in err, f"{what}: message {err!r} does not name {p!r}")
        check(out == "", f"{what}: output {out!r}")

    p = os.path.join(tmp, "bad.csv")
    # not square: a column more than rows
    write_csv(p, "", sectors, sectors + ["Extra"], np.column_stack([CZ, np.ones(len(sectors))]))
    expect(["--flows", p, "--output", cx], 1, [p, "4 rows of numbers but 5 columns",
                                              "square"], "non-square")
    # Y's rows not Z's
    bad = [("reg1", "food"), ("reg1", "mining"), ("reg1", "fishing")] + names[3:]
    write_tsv(os.path.join(tmp, "badY.txt"), bad, [("reg1", "hh")], Y[:, :1], ["region", "category"])
    expect(["--flows", zp, "--final-demand", os.path.join(tmp, "badY.txt")], 1,
           # the rows of the files: badY.txt has 2 header rows, Z 3 (the index names')
           ["badY.txt", "row 5 is reg1:fishing", "row 6 of Z is reg1:manufacturing"],
           "label mismatch")
    # a negative flow
    NZ = CZ.copy()
    NZ[1, 2] = -4.5
    write_csv(p, "", sectors, sectors, NZ)
    expect(["--flows", p, "--output", cx], 1,
           ["row Energy", "column Trade & repair", "-4.5", "negative"], "negative flow")
    # x_i <= 0 for a sector with flows
    xb = os.path.join(tmp, "xbad.csv")
    xv = cxv.copy()
    xv[3] = 0
    write_csv(xb, "sector", sectors, ["output"], xv.reshape(-1, 1))
    expect(["--flows", cz, "--output", xb], 1, ["sector 3 (Health)", "x = 0 is not > 0"],
           "x <= 0")
    # a coefficient above 1: x below an entry of its row
    xv = cxv.copy()
    xv[1] = CZ[1].max() / 2
    write_csv(xb, "sector", sectors, ["output"], xv.reshape(-1, 1))
    j = int(CZ[1].argmax())
    expect(["--flows", cz, "--output", xb], 1,
           ["row Energy", f"column {sectors[j]}", "above 1"], "coefficient above 1")
    # a cell that is no number
    with open(p, "w") as f:
        f.write(",a,b\na,1,2\nb,3,x7\n")
    expect(["--flows", p, "--output", cx], 1, ["row 3, column 3", '"x7" is not a number'],
           "not a number")
    # hexadecimal, which strtod would read, is no number of a table
    with open(p, "w") as f:
        f.write(",a,b\na,1,0x10\nb,3,4\n")
    expect(["--flows", p, "--output", cx], 1, ["row 2, column 3", '"0x10" is not a number'],
           "hex")
    # bad quoting names the row, the column and the byte
    with open(p, "w") as f:
        f.write(',a,b\na,1,2"x"\nb,3,4\n')
    expect(["--flows", p, "--output", cx], 1, [p, "row 2, column 3", "bad quoting near byte"],
           "bad quoting")
    with open(p, "w") as f:
        f.write(',a,b\na,1,"2\n')
    expect(["--flows", p, "--output", cx], 1, [p, "row 2, column 3", "not closed"],
           "unclosed quote")
    # Z's columns against its rows: the row of the file
    with open(p, "w") as f:
        f.write(",a,b\nb,1,2\na,3,4\n")
    expect(["--flows", p, "--output", cx], 1, ["column 2 is a but row 2 is b"], "order")
    # shocks: an unknown sector, a dropped one, a magnitude out of [0,1]
    expect(["--flows", zp, "--final-demand", yp, "--shock", "reg1:nothing=0.5"], 1,
           ["reg1:nothing", "no sector"], "unknown shock")
    expect(["--flows", zp, "--final-demand", yp, "--shock", "reg 2:manufacturing=0.5"], 1,
           ["dropped"], "dropped shock")
    expect(["--flows", zp, "--final-demand", yp, "--shock", "reg1:food=1.5"], 2,
           ["reg1:food=1.5", "[0,1]"], "shock above 1")
    expect(["--flows", os.path.join(tmp, "missing.txt"), "--final-demand", yp], 1,
           ["missing.txt", "cannot open"], "missing file")


def main():
    rng = np.random.default_rng(20261201)
    with tempfile.TemporaryDirectory() as tmp:
        tsv = multi_regional_tsv(tmp, rng)
        csv = single_region_csv(tmp, rng)
        refusals(tmp, tsv, csv)
    if failures:
        print(f"0 passed, {len(failures)} failed")
        sys.exit(1)
    print("1 passed, 0 failed")


main()
