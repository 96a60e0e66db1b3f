#!/usr/bin/env python3
"""The CSV output of hsec (doc/format.md, "CSV output") against the JSON
output of the same command: every table loads with the csv module and every
value equals the document's, bit for bit.

usage: csvcheck.py run|compare|ensemble|rank CSV JSON
       csvcheck.py sums TEXT   (a text report's group tables add up)
"""
import csv
import json
import sys


def tables(path):
    """The tables of a CSV file: lists of dicts, split at blank lines."""
    out, rows = [], []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if not row:
                out.append(rows)
                rows = []
            else:
                rows.append(row)
    out.append(rows)
    return [[dict(zip(t[0], r)) for r in t[1:]] for t in out if t]


def num(text):
    return None if text == "" else float(text)


def same(a, b, where):
    if a != b:
        raise AssertionError(f"{where}: csv {a!r} != json {b!r}")


def check_run(csv_path, doc):
    nodes, series, groups = tables(csv_path)
    same(len(nodes), len(doc["nodes"]), "node rows")
    services = {s["id"]: s for s in doc["scenario"]["services"]}
    for r in nodes:
        n = doc["nodes"][r["node"]]
        same(num(r["q"]), n["q"], r["node"] + ".q")
        for o in range(4):
            same(num(r[f"order{o + 1}"]), n["orders"][o], r["node"] + ".orders")
        if r["node"] in services:
            same(r["kind"], services[r["node"]]["kind"], r["node"] + ".kind")
            same(r["region"], services[r["node"]]["region"] or "", r["node"] + ".region")
        else:
            same(r["kind"], "group", r["node"] + ".kind")
            same(r["group"] + "." + r["dimension"], r["node"], r["node"] + ".group")
            same(r["region"], doc["groups"][r["group"]]["region"], r["node"] + ".region")
    want = sum(len(n.get("series", [])) for n in doc["nodes"].values())
    same(len(series), want, "series rows")
    for r in series:
        same(num(r["q"]), doc["nodes"][r["node"]]["series"][int(r["step"])], r["node"])
    same(len(groups), len(doc["groups"]) * 2 * 7, "group rows")
    for r in groups:
        f = doc["groups"][r["group"]][r["at"]]
        d = f["dimensions"][r["dimension"]]
        where = f'{r["group"]}.{r["at"]}.{r["dimension"]}'
        same(num(r["step"]), f.get("step"), where + ".step")
        for k in ("index", "people"):
            same(num(r[k]), f[k], where + "." + k)
        same(r["phase"], f["phase"], where + ".phase")
        same(num(r["y"]), d["y"], where + ".y")
        same(r["dimension_phase"], d["phase"], where + ".phase")
        for o in range(4):
            same(num(r[f"order{o + 1}"]), d["orders"][o], where + ".orders")
        base = d["y"]
        for o in d["orders"]:  # y minus the orders, in order
            base -= o
        same(num(r["baseline"]), base, where + ".baseline")


def at(obj, item):
    for k in item.split(".") if item else []:
        obj = obj[int(k) - 1] if isinstance(obj, list) else obj[k]
    return obj


def check_compare(csv_path, doc):
    (rows,) = tables(csv_path)
    seen = set()
    for r in rows:
        where = f'{r["package"]}:{r["part"]}.{r["item"]}'
        if r["package"] == "":
            same(num(r["burden"]), at(doc["baseline"][r["part"]], r["item"]), where)
        else:
            p = doc["packages"][r["package"]]
            same(num(r["cost"]), p["cost"], where + " cost")
            same(num(r["averted_per_cost"]), p["averted_per_cost"], where + " per cost")
            if r["part"] == "averted_by_branch":
                same(num(r["averted"]), p["averted_by_branch"][r["item"]], where)
            else:
                same(num(r["burden"]), at(p["burden"][r["part"]], r["item"]), where)
                same(num(r["averted"]), at(p["averted"][r["part"]], r["item"]), where)
        seen.add((r["package"], r["part"]))
    for part in doc["baseline"]:
        assert ("", part) in seen, part
    for pk in doc["packages"]:
        for part in doc["packages"][pk]["burden"]:
            assert (pk, part) in seen, (pk, part)


def check_ensemble(csv_path, doc):
    (rows,) = tables(csv_path)
    qs = doc["quantiles"]
    want = ["part", "name", "item"] + ["p%g" % (100 * q) for q in qs]
    same(list(rows[0].keys()), want, "header")
    count = 0
    for r in rows:
        v = at(doc[r["part"]][r["name"]], r["item"])
        same([num(r[k]) for k in want[3:]], v, f'{r["part"]}.{r["name"]}.{r["item"]}')
        count += 1
    assert count >= 3 + len(doc["groups"]) * 2 + len(doc["nodes"]), count


def check_rank(csv_path, doc):
    (rows,) = tables(csv_path)
    same(len(rows), len(doc["rank"]), "rank rows")
    for i, (r, d) in enumerate(zip(rows, doc["rank"])):
        same(int(r["rank"]), i + 1, "rank")
        for k in ("node", "kind", "group", "dimension"):
            same(r[k], d.get(k) or "", r["node"] + "." + k)
        same(r["region"], d["region"] or "", r["node"] + ".region")
        for k in ("marginal_burden", "dependency", "influence", "overall_dependency",
                  "overall_influence"):
            same(num(r[k]), d[k], r["node"] + "." + k)


def check_sums(text_path):
    """Each dimension row: baseline + 1st + 2nd + 3rd + 4+ = y, as printed."""
    rows = 0
    with open(text_path) as f:
        head = False
        for line in f:
            w = line.split()
            if w[:3] == ["dimension", "y", "phase"]:
                head = True
                continue
            if head and len(w) == 8:
                y = round(float(w[1]) * 1000)
                parts = [round(float(x) * 1000) for x in w[3:]]
                assert sum(parts) == y, line
                rows += 1
            else:
                head = head and len(w) == 8
    assert rows > 0, "no group table"


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "sums":
        check_sums(path)
        return
    with open(sys.argv[3]) as f:
        doc = json.load(f)
    {"run": check_run, "compare": check_compare, "ensemble": check_ensemble,
     "rank": check_rank}[kind](path, doc)


if __name__ == "__main__":
    main()
