#!/usr/bin/env python3
"""Write the example economy's input-output table (Z.txt, Y.txt) in the
tab-separated layout that pymrio's save_all and EXIOBASE 3 use.

A stylised two-region economy, not a country's accounts: an industrial
`north` and an agricultural `south`, six sectors each, in millions of US
dollars. The technical coefficients follow the usual shape of national
tables (food products buy most of agriculture's output, every sector buys
energy and trade services, manufacturing buys from itself); the north
supplies most of the south's manufactures and energy, the south most of the
north's crops and food. Final demand (households and government, exports,
changes in inventories, which may be negative) is set per region; total
output is x = (I - A)^-1 y, and Z = A diag(x). Deterministic: the same
files every time.

    python3 examples/economy/generate.py [DIR]     (default: this folder)
"""
import os
import sys

REGIONS = ["north", "south"]
SECTORS = ["Agriculture", "Food products", "Manufacturing", "Electricity and gas",
           "Trade and transport", "Public services"]
# input of sector i (row) per unit of output of sector j (column), all origins
A_TOTAL = [
    [0.10, 0.35, 0.02, 0.00, 0.01, 0.01],
    [0.02, 0.08, 0.01, 0.00, 0.04, 0.02],
    [0.06, 0.05, 0.20, 0.08, 0.06, 0.05],
    [0.05, 0.04, 0.07, 0.15, 0.04, 0.03],
    [0.06, 0.08, 0.08, 0.05, 0.10, 0.06],
    [0.01, 0.01, 0.02, 0.02, 0.03, 0.05],
]
# the share of each input a region buys at home (the rest from the other)
DOMESTIC = {
    "north": [0.50, 0.70, 0.95, 0.95, 0.95, 0.98],
    "south": [0.95, 0.90, 0.40, 0.50, 0.90, 0.98],
}
# final demand of each region's users for goods of any origin, and its
# exports and changes in inventories (of its own goods)
CONSUMPTION = {
    "north": [3000, 12000, 20000, 6000, 25000, 22000],
    "south": [4000, 7000, 5000, 2000, 9000, 8000],
}
EXPORTS = {
    "north": [0, 500, 15000, 0, 2000, 0],
    "south": [3000, 800, 6000, 0, 500, 0],
}
INVENTORIES = {
    "north": [0, 0, -300, 0, 0, 0],
    "south": [150, 0, 200, 0, 0, 0],
}
UNIT = "Mill USD"
CATEGORIES = ["Final consumption", "Exports", "Changes in inventories"]


def solve(m, b):
    """x with m x = b, by Gaussian elimination with partial pivoting."""
    n = len(b)
    a = [row[:] + [b[i]] for i, row in enumerate(m)]
    for k in range(n):
        p = max(range(k, n), key=lambda r: abs(a[r][k]))
        a[k], a[p] = a[p], a[k]
        for r in range(k + 1, n):
            f = a[r][k] / a[k][k]
            for c in range(k, n + 1):
                a[r][c] -= f * a[k][c]
    x = [0.0] * n
    for k in reversed(range(n)):
        x[k] = (a[k][n] - sum(a[k][c] * x[c] for c in range(k + 1, n))) / a[k][k]
    return x


def table():
    """The multi-regional A (rows and columns (region, sector)) and Y."""
    ns, nr = len(SECTORS), len(REGIONS)
    n = ns * nr
    a = [[0.0] * n for _ in range(n)]
    y = [[0.0] * (nr * len(CATEGORIES)) for _ in range(n)]
    for s, buyer in enumerate(REGIONS):
        for r, seller in enumerate(REGIONS):
            for i in range(ns):
                share = DOMESTIC[buyer][i] if r == s else 1 - DOMESTIC[buyer][i]
                for j in range(ns):
                    a[r * ns + i][s * ns + j] = A_TOTAL[i][j] * share
                y[r * ns + i][s * len(CATEGORIES)] = CONSUMPTION[buyer][i] * share
        for i in range(ns):
            y[s * ns + i][s * len(CATEGORIES) + 1] = EXPORTS[buyer][i]
            y[s * ns + i][s * len(CATEGORIES) + 2] = INVENTORIES[buyer][i]
    return a, y


def write(path, header_rows, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header_rows:
            f.write("\t".join(h) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    a, y = table()
    n = len(a)
    ytot = [sum(row) for row in y]
    x = solve([[(1.0 if i == j else 0.0) - a[i][j] for j in range(n)] for i in range(n)], ytot)
    labels = [(r, s) for r in REGIONS for s in SECTORS]
    num = lambda v: f"{v:.3f}"  # noqa: E731 (the table's precision)
    write(os.path.join(out, "Z.txt"),
          [["region", "", ""] + [r for r, _ in labels],
           ["sector", "", ""] + [s for _, s in labels],
           ["region", "sector", "unit"] + [""] * n],
          [[r, s, UNIT] + [num(a[i][j] * x[j]) for j in range(n)]
           for i, (r, s) in enumerate(labels)])
    ycols = [(r, c) for r in REGIONS for c in CATEGORIES]
    write(os.path.join(out, "Y.txt"),
          [["region", "", ""] + [r for r, _ in ycols],
           ["category", "", ""] + [c for _, c in ycols],
           ["region", "sector", "unit"] + [""] * len(ycols)],
          [[r, s, UNIT] + [num(v) for v in y[i]] for i, (r, s) in enumerate(labels)])


if __name__ == "__main__":
    main()
