"""The scipy.sparse reference for the benchmark (doc/performance.md).

Reads the scenario the benchmark saved (a compressed container) through the
Python binding, takes its links and operator (hsec_compiled_links,
hsec_scenario_operator), computes the same quantities with scipy.sparse on
one thread, checks that they agree with the library's, prints its times
and writes them to DIR/scipy.txt (scipy_static, scipy_dynamic,
scipy_adjoint in seconds, scipy_agree 1 or 0), from which `bench --report
DIR` prints the ratios against their targets and the summing-up line:

  * static, linear, with orders: (I - A') Q = C for the total perturbation
    and each threat's, by the faster of spsolve and bicgstab (relative
    tolerance 1e-10); q1 = c, q2 = A' c, q3 = A' q2, q4 = q - q1 - q2 - q3;
  * dynamic, bounded, with order tracking: one CSR product per lag with the
    gather vectors (q1, q2, q3 + q4 and each threat's part) as the columns
    of one dense block, then the DIIM update (doc/model.md §4: a node whose
    target is above its total moves at its onset rate, hsec_scenario_onset_rates,
    any other at the step's recovery rate) and the bounded clamp (the excess
    over 1 from order 4+ first, then 3, 2, 1; the threats' parts scaled by
    1 / total);
  * adjoint: (I - A'^T) u = b with b = N_g w[g,d], spsolve or bicgstab.

    python3 bench/reference.py DIR     (DIR: what `bench --out DIR` wrote)
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one thread, as the library's figures

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as spla  # noqa: E402

import hsec  # noqa: E402

TOL = 1e-10


def summary(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            out[k] = float(v)
    return out


def bicgstab(m, b):
    # started from b (one Jacobi step): from 0, the shadow residual b breaks
    # down on right-hand sides that are zero on most nodes
    try:
        x, info = spla.bicgstab(m, b, x0=b.copy(), rtol=TOL, atol=0.0)
    except TypeError:  # scipy < 1.12 names it tol
        x, info = spla.bicgstab(m, b, x0=b.copy(), tol=TOL, atol=0.0)
    if info != 0:
        raise RuntimeError(f"bicgstab did not converge (info {info})")
    return x


def spsolve_timed(m, rhs, limit):
    """spsolve in a forked child, stopped after `limit` seconds (its fill-in
    can take minutes where bicgstab takes milliseconds): its time and
    solution, or (None, None) when stopped."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child():
        t = time.perf_counter()
        x = spla.spsolve(m.tocsc(), rhs).reshape(rhs.shape)
        send.send((time.perf_counter() - t, x))

    p = ctx.Process(target=child)
    p.start()
    got = recv.recv() if recv.poll(limit) else (None, None)
    p.kill()
    p.join()
    return got


def fastest(m, rhs):
    """Solve m X = rhs (columns) by bicgstab and by spsolve; the faster's
    time and solution. spsolve gets ten times bicgstab's time, at least a
    second: beyond that it cannot be the faster."""
    t = time.perf_counter()
    xs = np.column_stack([bicgstab(m, rhs[:, j]) for j in range(rhs.shape[1])])
    t_bicg = time.perf_counter() - t
    limit = max(1.0, 10 * t_bicg)
    t_direct, xd = spsolve_timed(m, rhs, limit)
    print(f"  bicgstab {t_bicg:.3f} s, spsolve "
          + (f"{t_direct:.3f} s" if t_direct is not None else f"stopped after {limit:.0f} s"))
    if t_direct is None or t_bicg <= t_direct:
        return t_bicg, xs, "bicgstab"
    return t_direct, xd, "spsolve"


def agree(name, got, want):
    """Largest difference relative to the largest value; the check passes
    below 1e-8 (the solvers stop at 1e-10 and 1e-13)."""
    scale = max(np.max(np.abs(want)), 1e-300)
    err = float(np.max(np.abs(got - want))) / scale
    ok = err <= 1e-8
    print(f"  {name:<34} max relative difference {err:.2e}  {'agrees' if ok else 'DISAGREES'}")
    return ok


def clamp(qs):
    """The bounded clamp of doc/model.md §4, in place, on the rows of qs
    (orders 1, 2, 3, 4+, then the threats' parts) whose total is above 1."""
    tot = qs[:, 0:4].sum(axis=1)
    over = np.nonzero(tot > 1)[0]
    if over.size == 0:
        return
    ex = tot[over] - 1
    for o in (3, 2, 1, 0):  # the excess from the highest order first
        take = np.minimum(qs[over, o], ex)
        qs[over, o] -= take
        ex -= take
    qs[over, 4:] /= tot[over, None]


def main(out):
    lib_t = summary(os.path.join(out, "summary.txt"))
    n, steps = int(lib_t["nodes"]), int(lib_t["steps"])
    t = time.perf_counter()
    s = hsec.load(os.path.join(out, "scenario.hsecz"))
    t_load = time.perf_counter() - t
    rowp, src, w, lag = s.links()
    rows = np.repeat(np.arange(n), np.diff(rowp).astype(np.int64))
    cols = src.astype(np.int64)
    H = len(s.threats)
    print(f"scipy {scipy.__version__}, numpy {np.__version__}: {n} nodes, {len(w)} links, "
          f"{H} threats; scenario loaded through the binding in {t_load:.2f} s")

    def matrix(weight, mask=None):
        r, c, v = (rows, cols, weight) if mask is None else (rows[mask], cols[mask], weight[mask])
        return sp.csr_matrix((v, (r, c)), shape=(n, n))

    ok = True
    # ---- static, linear, with orders and the threats' parts
    op = s.operator(step=-1)
    a = matrix(op["weight"])
    m = (sp.identity(n, format="csr") - a).tocsr()
    c = op["perturbation"].sum(axis=1)
    rhs = np.column_stack([c, op["perturbation"]])
    t_solve, x, how = fastest(m, rhs)
    t = time.perf_counter()
    q1 = c
    q2 = a @ q1
    q3 = a @ q2
    q = x[:, 0]
    orders = np.column_stack([q1, q2, q3, q - q1 - q2 - q3])
    t_static = t_solve + time.perf_counter() - t
    print(f"static: {how} {t_static:.3f} s")
    ok &= agree("static q", np.fromfile(os.path.join(out, "static.q")), q)
    ok &= agree("static orders", np.fromfile(os.path.join(out, "static.orders")).reshape(n, 4),
                orders)

    # ---- adjoint
    g = s.groups()
    b = np.zeros(n)
    for d in range(7):
        b[g["node"] + d] = g["size"] * g["weight"][:, d]
    mt = m.T.tocsr()
    t_adj, u, how = fastest(mt, b[:, None])
    print(f"adjoint: {how} {t_adj:.3f} s")
    ok &= agree("adjoint u", np.fromfile(os.path.join(out, "rank.u")), u[:, 0])

    # ---- dynamic, bounded, with order tracking: the operator of each step
    # (only its changes kept), then the timed loop
    s.set_option("mode", "dynamic")
    s.set_option("steps", steps)
    lags = np.unique(lag)
    ops, which, prev = [], [], None
    for step in range(steps):
        o = s.operator(step=step)
        if prev is None or not all(np.array_equal(o[k], prev[k]) for k in o):
            mats = [matrix(o["weight"], lag == L) for L in lags]
            ops.append((mats, o["perturbation"], o["recovery"][:, None],
                        o["perturbation"].sum(axis=1)))
            prev = o
        which.append(len(ops) - 1)
    ko = s.onset_rates()
    G, P = 3 + H, 4 + H
    R = int(lags.max()) + 1
    hist = np.zeros((R, n, G))  # gather blocks of steps t-R+1 .. t, at [step % R]
    g0 = hist[0].copy()  # the gather block of step 0, read for steps before 0
    qs = np.zeros((n, P))
    tg = np.empty((n, P))
    t = time.perf_counter()
    for step in range(steps):
        mats, pert, k, ctot = ops[which[step]]
        y = None
        for L, mat in zip(lags, mats):
            back = step - int(L)
            part = mat @ (hist[back % R] if back >= 0 else g0)
            y = part if y is None else y + part
        tg[:, 0] = ctot
        tg[:, 1:4] = y[:, 0:3]
        tg[:, 4:] = y[:, 3:] + pert
        rising = tg[:, 0:4].sum(axis=1) > qs[:, 0:4].sum(axis=1)
        rate = np.where(rising, ko, k[:, 0])
        qs += rate[:, None] * (tg - qs)
        clamp(qs)
        gnew = hist[(step + 1) % R]
        gnew[:, 0:2] = qs[:, 0:2]
        gnew[:, 2] = qs[:, 2] + qs[:, 3]
        gnew[:, 3:] = qs[:, 4:]
    t_dyn = time.perf_counter() - t
    print(f"dynamic: {steps} steps {t_dyn:.3f} s")
    ok &= agree("dynamic q", np.fromfile(os.path.join(out, "dynamic.q")),
                np.minimum(qs[:, 0:4].sum(axis=1), 1))
    ok &= agree("dynamic orders", np.fromfile(os.path.join(out, "dynamic.orders")).reshape(n, 4),
                qs[:, 0:4])

    print(f"{'operation':<34} {'hsec (s)':>10} {'scipy (s)':>10}")
    for name, lt, st in (("static, linear, with orders", lib_t["static"], t_static),
                         ("dynamic, bounded, orders", lib_t["dynamic"], t_dyn),
                         ("adjoint ranking", lib_t["adjoint"], t_adj)):
        print(f"{name:<34} {lt:>10.3f} {st:>10.3f}")
    print(f"the numbers {'agree' if ok else 'DISAGREE'}")
    with open(os.path.join(out, "scipy.txt"), "w") as f:
        f.write(f"scipy_static={t_static:.9g}\nscipy_dynamic={t_dyn:.9g}\n"
                f"scipy_adjoint={t_adj:.9g}\nscipy_agree={int(bool(ok))}\n")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
