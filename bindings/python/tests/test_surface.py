"""The whole surface of the binding: every result getter against the CLI's
documents, names wherever the C API takes an index, the decision calls
(rank with its filters, coupling, interdependency, optimize and its ranges),
ensembles, documents and files, limits, the pure functions, tables, type
information and docstrings."""
import inspect
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
ENERGY = ROOT / "examples" / "energy-cascade.json"
EPIDEMIC = ROOT / "examples" / "epidemic-conflict.json"
CLI = os.environ.get("HSEC_CLI", str(ROOT / "build" / "tools" / "hsec"))


def cli(*args):
    out = subprocess.run([CLI, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def cli_text(*args):
    return subprocess.run([CLI, *map(str, args)], check=True, capture_output=True,
                          text=True).stdout


# ------------------------------------------------------------------ results

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_group_getters_by_id_equal_the_document(path):
    with hsec.load(path) as s, s.run() as r:
        doc = r.to_dict()
        assert r.groups == list(doc["groups"])
        assert r.threats == list(doc["threats"])
        for gid, g in doc["groups"].items():
            for at in ("last", "peak"):
                h, step, y = r.group(gid, at)
                assert (h, step) == (g[at]["index"], g[at]["step"])
                assert list(y) == [g[at]["dimensions"][d]["y"] for d in hsec.DIMENSIONS]
                assert r.group(r.groups.index(gid), at)[0] == h  # an index still works
                assert [list(o) for o in r.group_orders(gid, at)] == \
                    [g[at]["dimensions"][d]["orders"] for d in hsec.DIMENSIONS]
                f = g[at]["freedoms"]
                assert list(r.freedoms(gid, at)) == [f["from_fear"], f["from_want"],
                                                      f["dignity"]]
                assert r.score(gid, at) == (g[at]["score"], g[at]["insecure"])
            for d in hsec.DIMENSIONS:
                step, lead = r.early_warning(gid, d)
                w = g.get("warnings", {}).get(d)
                assert (step, lead) == ((w["step"], w["lead"]) if w else (None, 0))
            for tid, t in g.get("threats", {}).items():
                assert r.threat_share(gid, tid) == (t["share"], t["critical"])
        for tid, t in doc["threats"].items():
            assert r.pervasive(tid) == (t["population_share"], t["pervasive"])
        md = doc["multidimensional"]
        for at in ("last", "peak"):
            assert list(r.multidimensional(at)) == [md[at]["H"], md[at]["A"], md[at]["M0"]]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_burden_by_the_document_keys(path):
    """Every entry of the document's "burden", read by its key and its
    entries' names, plural or singular."""
    with hsec.load(path) as s, s.run() as r:
        b = r.to_dict()["burden"]
        for key in ("total", "baseline", "propagated", "initial"):
            assert r.burden(key) == b[key]
        for key, value in b.items():
            if key == "orders":
                for k, x in enumerate(value):
                    assert r.burden("orders", k) == x
                    assert r.burden("order", k) == x
            elif key == "flags":
                for flag, f in value.items():
                    assert r.burden("flags", flag) == f["burden"]
                    assert r.burden("flag_propagated", flag) == f["propagated"]
                    assert r.impact(flag)["people"] == f["people"]
            elif isinstance(value, dict):
                for name, x in value.items():
                    assert r.burden(key, name) == x, (key, name)
                    assert r.burden(key[:-1], name) == x, (key, name)


def test_burden_refusals_name_the_argument():
    with hsec.load(ENERGY) as s, s.run() as r:
        with pytest.raises(hsec.BadInput, match="burden part 'order_1' is not one of .*orders"):
            r.burden("order_1")
        with pytest.raises(hsec.BadInput, match="no group 'nobody'"):
            r.burden("groups", "nobody")
        with pytest.raises(hsec.BadInput, match="no band 'longest'"):
            r.burden("bands", "longest")
        with pytest.raises(hsec.BadInput, match="'adversaries' is not one of"):
            r.burden("actors", "adversaries")
        with pytest.raises(hsec.BadInput, match="index -1"):
            r.burden("orders", -1)
        with pytest.raises(hsec.BadInput):  # the library's range check
            r.burden("orders", 4)
        with pytest.raises(hsec.BadInput, match="no group 'east_eldery'"):
            r.group("east_eldery")
        with pytest.raises(hsec.BadInput, match="no threat 'floods'"):
            r.pervasive("floods")
        with pytest.raises(hsec.BadInput, match="dimension 'wealth'"):
            r.early_warning("east_elderly", "wealth")
        with pytest.raises(TypeError, match="group must be an id or an index"):
            r.group(1.5)


def test_series_by_name_and_index_and_node_names():
    with hsec.load(ENERGY) as s, s.run() as r:
        names = r.node_names()
        assert names == s.node_names()
        for name in s.recorded:
            i = names.index(name)
            assert list(r.series(name)) == list(r.series(i))
        with pytest.raises(hsec.BadInput):
            r.series("west_host.food")  # not recorded


def test_results_save_read_show_and_convert(tmp_path):
    with hsec.load(ENERGY) as s, s.run() as r:
        doc = r.to_dict()
        for fmt in ("json", "cbor", "container", "container-zlib"):
            path = tmp_path / f"r.{fmt}"
            r.save(path, format=fmt)
            assert hsec.read_document(path) == doc
        assert hsec.read_document(tmp_path / "r.cbor") == cli("show", tmp_path / "r.cbor",
                                                             "--format", "json")
        hsec.convert(tmp_path / "r.cbor", tmp_path / "back.json")
        assert json.loads((tmp_path / "back.json").read_text()) == doc
        hsec.convert(tmp_path / "r.json", tmp_path / "z.bin", to="container-zlib")
        assert (tmp_path / "z.bin").read_bytes()[:4] != b'{"hs'
        assert hsec.read_document(tmp_path / "z.bin") == doc
        with pytest.raises(hsec.BadInput, match="give to="):
            hsec.convert(tmp_path / "r.json", tmp_path / "out.txt")
        with pytest.raises(hsec.BadInput, match="format 'yaml'"):
            r.save(tmp_path / "x", format="yaml")
        assert hsec.report_html_file(tmp_path / "r.cbor") == \
            cli_text("show", tmp_path / "r.cbor", "--format", "html")
        html = hsec.report_html_file(tmp_path / "r.cbor", title="Saved run")
        assert "<title>Saved run</title>" in html
        with pytest.raises(hsec.BadInput):
            hsec.report_html_file(ENERGY)  # a scenario, not results
    with pytest.raises(hsec.Error):
        hsec.read_document(tmp_path / "missing.json")


def test_write_file(tmp_path):
    path = tmp_path / "a.txt"
    hsec.write_file(path, "één")
    assert path.read_bytes() == "één".encode()
    hsec.write_file(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    with pytest.raises(hsec.FileError):
        hsec.write_file(tmp_path, b"x")  # a directory


# ------------------------------------------------------------ decisions

RANK_CASES = [(), ("--kind", "energy"), ("--kind", "groups"), ("--kind", "services"),
              ("--kind", "health"), ("--region", "east"), ("--kind", "water", "--region",
                                                            "west"),
              ("--package", "none"), ("--top", "0")]


def _rank_kwargs(args):
    kw = {}
    it = iter(args)
    for flag in it:
        value = next(it)
        kw[flag[2:]] = int(value) if flag == "--top" else value
    return kw


@pytest.mark.parametrize("args", RANK_CASES, ids=lambda a: " ".join(a) or "default")
def test_ranking_equals_the_cli(args):
    with hsec.load(ENERGY) as s:
        assert s.ranking(**_rank_kwargs(args)) == cli("rank", ENERGY, *args)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_ranking_everything_equals_the_cli(path):
    with hsec.load(path) as s:
        doc = s.ranking(top=0)
        assert doc == cli("rank", path, "--top", 0)
        u = s.rank()
        names = s.node_names()
        order = hsec.rank_order(u)
        assert [e["node"] for e in doc["rank"]] == [names[i] for i in order]
        cp = s.coupling()
        for e in doc["rank"]:
            i = names.index(e["node"])
            assert e["marginal_burden"] == u[i]
            for key in ("dependency", "influence", "overall_dependency", "overall_influence"):
                assert e[key] == cp[key][i]


def test_select_matches_the_rank_filters():
    with hsec.load(ENERGY) as s:
        names = s.node_names()
        services = s.services()
        for kind in ("energy", "water", "services"):
            want = sorted(n for n, k in zip(services["node"], services["kind"])
                          if kind == "services" or k == kind)
            assert list(s.select(kind=kind)) == want
        g = s.groups()
        health = sorted(int(n) + hsec.DIMENSIONS.index("health") for n in g["node"])
        assert list(s.select(kind="health")) == health
        east = s.select(region="east")
        assert all(names[i].startswith("east_") for i in east) and len(east) > 0
        assert list(s.select()) == list(range(s.node_count))
        with pytest.raises(hsec.BadInput, match="did you mean 'energy'"):
            s.select(kind="enrgy")
        with pytest.raises(hsec.BadInput, match="no region 'north'"):
            s.select(region="north")
        with pytest.raises(hsec.BadInput, match="no region"):
            s.ranking(region="north")


def _dense(s, measures=None):
    """A' as a dense matrix from the library's static operator."""
    rowp, src, _, _ = s.links()
    w = s.operator(-1, measures=measures)["weight"]
    n = s.node_count
    a = np.zeros((n, n))
    for i in range(n):
        for e in range(rowp[i], rowp[i + 1]):
            a[i, src[e]] = w[e]
    return a


@pytest.mark.parametrize("measures", [None, []], ids=["all", "none"])
def test_coupling_by_hand(measures):
    with hsec.load(ENERGY) as s:
        a = _dense(s, measures)
        n = len(a)
        off = a - np.diag(np.diag(a))
        cp = s.coupling(measures=measures)
        np.testing.assert_allclose(cp["dependency"], off.sum(axis=1) / (n - 1), rtol=1e-12,
                                   atol=1e-15)
        np.testing.assert_allclose(cp["influence"], off.sum(axis=0) / (n - 1), rtol=1e-12,
                                   atol=1e-15)
        smat = np.linalg.inv(np.eye(n) - a)
        np.testing.assert_allclose(cp["overall_dependency"], (smat.sum(axis=1) - 1) / (n - 1),
                                   rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(cp["overall_influence"], (smat.sum(axis=0) - 1) / (n - 1),
                                   rtol=1e-8, atol=1e-12)
        pkg = s.coupling(package="none")
        if measures == []:
            for k in cp:
                assert list(pkg[k]) == list(cp[k])


def test_interdependency_by_hand():
    with hsec.load(ENERGY) as s:
        a = _dense(s)
        names = s.node_names()
        pairs = [(i, j) for i in range(len(a)) for j in range(len(a)) if a[i, j] > 0][:5]
        for order in (1, 2, 3):
            an = np.linalg.matrix_power(a, order)
            for i, j in pairs:
                assert math.isclose(s.interdependency(names[i], names[j], order), an[i, j],
                                    rel_tol=1e-12, abs_tol=1e-15)
                assert s.interdependency(i, j, order) == s.interdependency(names[i], names[j],
                                                                           order)
        with pytest.raises(hsec.BadInput, match="order 0"):
            s.interdependency(0, 1, 0)
        with pytest.raises(hsec.BadInput):
            s.interdependency("no_such_node", 1)


@pytest.mark.parametrize("budget", [0, 1.5e6, 5e6, 5e7, 1e9])
@pytest.mark.parametrize("exact", [False, True])
def test_optimize_equals_the_cli(budget, exact):
    with hsec.load(ENERGY) as s:
        args = ["--exact"] if exact else []
        assert s.optimize(budget, exact=exact) == cli("optimize", ENERGY, "--budget", budget,
                                                      *args)


def test_optimize_ranges_merge_to_the_exact_search():
    with hsec.load(ENERGY) as s:
        best = s.optimize(5e6, exact=True)
        total = 1 << len(s.measures)
        for bounds in ([0, total], [0, 3, total], [0, 1, 5, 9, 14, total]):
            parts = [s.optimize_range(5e6, a, b) for a, b in zip(bounds, bounds[1:])]
            merged = hsec.optimize_merge(reversed(parts))
            assert sorted(s.optimize_subset(merged["subset"])) == sorted(best["measures"])
            assert merged["cost"] == best["cost"]
            assert parts[0]["baseline"] - merged["burden"] == pytest.approx(best["averted"],
                                                                         rel=1e-12)
        assert s.optimize_range(0, 1, 2)["subset"] is None or \
            s.measure(0)["cost"] == 0
        assert s.optimize_subset(0) == []
        assert s.optimize_subset(total - 1) == s.measures
        cands = s.measures[1:3]
        assert s.optimize_subset(3, candidates=cands) == cands
        assert hsec.optimize_merge([{"subset": None, "burden": 0, "cost": 0}])["subset"] is None
        with pytest.raises(hsec.BadInput, match="no measure 'x'"):
            s.optimize(1, candidates=["x"])
        with pytest.raises(hsec.BadInput, match="last"):
            s.optimize_range(1, 0, total + 1)
        with pytest.raises(hsec.BadInput, match="first -1"):
            s.optimize_range(1, -1, 2)


# --------------------------------------------------------------- ensembles

def test_ensemble_document_and_quantiles_equal_the_cli():
    with hsec.load(ENERGY) as s:
        s.set_option("uncertainty.members", 9)
        with s.ensemble() as e:
            doc = e.to_dict()
            assert doc == cli("ensemble", ENERGY, "--members", 9)
            qs = doc["quantiles"]
            assert list(s.quantiles) == qs
            assert list(e.quantile("total", qs)) == doc["burden"]["total"]
            assert isinstance(e.quantile("total", qs), np.ndarray)
            assert e.quantile("total", 0.5) == doc["burden"]["total"][1]
            for gid, g in doc["groups"].items():
                assert list(e.quantile("group_peak", qs, gid)) == g["peak"]
                assert list(e.quantile("group_last", qs, gid)) == g["last"]
            for node, values in doc["nodes"].items():
                assert list(e.quantile("recorded", qs, node)) == values
            for tid, values in doc["burden"]["threats"].items():
                assert list(e.quantile("threats", qs, tid)) == values
            v = e.values("group_peak", "east_elderly")
            assert isinstance(v, np.ndarray) and v.shape == (9,)
            assert np.quantile(v, 0.5) == pytest.approx(e.quantile("group_peak", 0.5,
                                                                   "east_elderly"), rel=1e-14)
            assert e.measures == s.measures
            assert e.to_dict([0.25])["quantiles"] == [0.25]
            with pytest.raises(hsec.BadInput, match="no group"):
                e.values("group_peak", "nobody")
            with pytest.raises(hsec.BadInput, match="burden part"):
                e.values("peak")
        s.set_quantiles([0.1, 0.9])
        assert list(s.quantiles) == [0.1, 0.9]
        with s.ensemble(package="none") as e:
            assert e.measures == []
            assert e.to_dict()["quantiles"] == [0.1, 0.9]
            assert e.to_dict()["burden"]["total"] == list(e.quantile("total", [0.1, 0.9]))
        with pytest.raises(hsec.BadInput):
            s.set_quantiles([1.5])
        with pytest.raises(hsec.BadInput):
            s.set_quantiles([])


def test_ensemble_keeps_its_closed_scenario():
    s = hsec.load(ENERGY)
    s.set_option("uncertainty.members", 3)
    e = s.ensemble()
    s.close()
    with pytest.raises(hsec.Closed):
        s.run()
    assert e.to_dict()["members"] == 3  # the scenario is kept for the ensemble
    e.close()
    with pytest.raises(hsec.Closed):
        e.values()
    with pytest.raises(hsec.Closed):
        e.to_dict()


# ------------------------------------------------- scenario and model extras

def test_step_unit_recorded_stamp_quantiles_and_limits():
    with hsec.load(ENERGY) as s:
        doc = json.loads(ENERGY.read_text())
        assert s.step_unit == doc.get("run", {}).get("step_unit", "day")
        stamp = s.stamp
        s.set_step_unit("week")
        assert s.stamp != stamp
        assert s.step_unit == "week"
        assert s.run().to_dict()["step_unit"] == "week"
        with pytest.raises(hsec.BadInput):
            s.set_step_unit("two weeks")
        before = s.recorded
        s.record("west_host")
        assert s.recorded == before + [f"west_host.{d}" for d in hsec.DIMENSIONS
                                       if f"west_host.{d}" not in before]
        assert s.limit("memory") == 4 << 30  # the loader's default, handed on
        need = s.memory()
        assert 0 < need < 4 << 30
        s.set_limit("memory", need - 1)
        assert s.limit() == need - 1
        with pytest.raises(hsec.BadInput, match="memory"):
            s.run()
        with pytest.raises(hsec.BadInput):
            s.memory()
        s.set_limit("memory", need)
        s.run().close()
        with pytest.raises(hsec.BadInput, match="not a scenario.s"):
            s.set_limit("size", 5)
        with pytest.raises(hsec.BadInput, match="memory -1"):
            s.set_limit("memory", -1)


def test_recorded_in_dynamic_results():
    with hsec.load(ENERGY) as s, s.run() as r:
        assert set(s.recorded) == {n for n in r.to_dict()["nodes"] if "series" in
                                   r.to_dict()["nodes"][n]}


def test_model_add_links_and_limits():
    def model():
        m = hsec.Model()
        m.add_region("r")
        m.add_group("g", "r", 10)
        for k in range(4):
            m.add_service(f"s{k}", "energy", "r")
        return m

    one, bulk = model(), model()
    links = [("s0", "s1", 0.5, 0), ("s1", "s2", 0.25, 3), ("s2", "g.health", 0.1, 1)]
    for f, t, w, lag in links:
        one.add_link(f, t, w, lag=lag)
    bulk.add_links([x[0] for x in links], np.array([x[1] for x in links]),
                   np.array([x[2] for x in links]), lag=[x[3] for x in links])
    a, b = one.compile(), bulk.compile()
    for x, y in zip(a.links(), b.links()):
        assert list(x) == list(y)
    m = model()
    m.add_links(["s0", "s1"], ["s1", "s2"], [0.5, 0.5])
    assert list(m.compile().links()[3]) == [0, 0]  # lags 0
    with pytest.raises(hsec.BadInput, match=r"links\[1\].*weight"):
        m.add_links(["s0", "s2"], ["s3", "s3"], [0.5, 1.5])
    assert m.compile().links()[2].tolist() == [0.5, 0.5]  # nothing of the batch added
    with pytest.raises(hsec.BadInput, match="lengths differ"):
        m.add_links(["s0"], ["s1", "s2"], [0.5])
    with pytest.raises(TypeError, match=r"frm\[0\] must be a str"):
        m.add_links([1], ["s1"], [0.5])
    assert m.limit("nodes") is None
    m.set_limit("nodes", 5)
    assert m.limit("nodes") == 5
    with pytest.raises(hsec.BadInput, match="nodes"):
        m.compile()  # 4 services and 7 nodes of a group
    m.set_limit("nodes", 11)
    m.compile().close()
    with pytest.raises(hsec.BadInput, match="0 would refuse"):
        m.set_limit("nodes", 0)
    with pytest.raises(hsec.BadInput, match="nodes 1.5"):
        m.set_limit("nodes", 1.5)


def test_save_part_merges_back(tmp_path):
    with hsec.load(ENERGY) as s:
        s.save_part(tmp_path / "part.json")
        part = json.loads((tmp_path / "part.json").read_text())
        assert "run" not in part and "uncertainty" not in part
        settings = {k: v for k, v in json.loads(ENERGY.read_text()).items()
                    if k in ("run", "uncertainty")}
        (tmp_path / "settings.json").write_text(json.dumps({"hsec": part["hsec"], **settings}))
        hsec.merge([tmp_path / "part.json", tmp_path / "settings.json"], tmp_path / "m.json")
        with hsec.load(tmp_path / "m.json") as again:
            assert again.run().to_dict()["burden"] == s.run().to_dict()["burden"]


# ------------------------------------------------------ pure functions

def test_pure_functions_by_hand():
    assert [hsec.phase_of(y) for y in (0, 0.19, 0.2, 0.4, 0.6, 0.8, 1, math.nan)] == \
        ["minimal", "minimal", "stressed", "crisis", "emergency", "catastrophe",
         "catastrophe", "minimal"]
    assert hsec.weight_from_score(3, 0.01, 2) == pytest.approx(0.09, rel=1e-15)
    assert hsec.weight_from_scale(4) == pytest.approx(0.008 * 4 ** 2.5693, rel=1e-14)
    assert hsec.weight_from_scale(3, points=4) == pytest.approx(0.01 * 3 ** 2.8219, rel=1e-14)
    assert hsec.recovery_rate(10, 0.01) == pytest.approx(-math.log(0.01) / 10, rel=1e-15)
    assert hsec.recovery_rate(10, 0.01, 0.5) == pytest.approx(-math.log(0.01) / 5, rel=1e-15)
    assert hsec.recovery_rate(0.1) == 1
    with pytest.raises(hsec.BadInput):
        hsec.weight_from_score(10, 1, 2)  # 100: not in [0, 1]
    with pytest.raises(hsec.BadInput):
        hsec.weight_from_scale(3, points=7)
    with pytest.raises(TypeError, match="score must be a number"):
        hsec.weight_from_scale("3")
    assert hsec.nearest("helth", ["food", "health"]) == "health"
    assert hsec.nearest("xyz", ["food", "health"]) is None
    assert hsec.nearest("a", []) is None


# ---------------------------------------------------------------- tables

def test_to_pandas_tables():
    pd = pytest.importorskip("pandas")
    with hsec.load(ENERGY) as s, s.run() as r:
        nodes = r.to_pandas()
        assert list(nodes["node"]) == r.node_names()
        assert list(nodes["q"]) == list(r.q)
        assert list(nodes["order_3"]) == list(r.orders[:, 2])
        groups = r.to_pandas("groups")
        row = groups[(groups.group == "east_elderly") & (groups["at"] == "peak") &
                     (groups.dimension == "health")]
        doc = r.to_dict()["groups"]["east_elderly"]["peak"]
        assert row.y.item() == doc["dimensions"]["health"]["y"]
        assert row.step.item() == doc["step"] and row["index"].item() == doc["index"]
        series = r.to_pandas("series")
        assert set(series.node) == set(s.recorded)
        grid = series[series.node == "east_grid"]
        assert list(grid.q) == list(r.series("east_grid"))
        assert list(grid.step) == list(range(r.steps + 1))
        burden = r.to_pandas("burden")
        b = r.to_dict()["burden"]
        assert burden[burden.part == "total"].value.item() == b["total"]
        for _, x in burden[burden.part == "threat"].iterrows():
            assert x.value == b["threats"][x.key]
        with pytest.raises(hsec.BadInput, match="table 'links'"):
            r.to_pandas("links")
        s.set_option("uncertainty.members", 4)
        with s.ensemble() as e:
            t = e.to_pandas(["total", "groups", "group_peak"])
            assert list(t[t.part == "total"].value) == list(e.values("total"))
            assert list(t[(t.part == "groups") & (t.key == "west_host")].value) == \
                list(e.values("groups", "west_host"))
            assert list(t[(t.part == "group_peak") & (t.key == "west_host")].value) == \
                list(e.values("group_peak", "west_host"))
            assert list(t[t.part == "total"].member) == [0, 1, 2, 3]
            assert isinstance(t, pd.DataFrame)


def test_to_pandas_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas then fails
    with hsec.load(ENERGY) as s, s.run() as r:
        with pytest.raises(ImportError, match="needs pandas"):
            r.to_pandas()
        s.set_option("uncertainty.members", 2)
        with s.ensemble() as e, pytest.raises(ImportError, match="needs pandas"):
            e.to_pandas()


# ------------------------------------------------------------------ threads

def test_new_calls_refused_from_the_progress_callback():
    """A progress callback runs inside a call holding the scenario: the
    new calls on that scenario raise Busy there, as the others do."""
    with hsec.load(ENERGY) as s:
        seen = []

        def progress(done, total):
            for call in (lambda: s.coupling(), lambda: s.optimize(1),
                         lambda: s.ranking(), lambda: s.stamp, lambda: s.recorded,
                         lambda: s.set_quantiles([0.5]), lambda: s.memory()):
                try:
                    call()
                    seen.append("ran")
                except hsec.Busy:
                    seen.append("busy")
            return False

        s.set_progress(progress)
        s.coupling()
        s.set_progress(None)
        assert seen and set(seen) == {"busy"}


def test_new_calls_from_threads_agree():
    """Calls on one scenario from several threads run one after another and
    each gets what it gets alone."""
    with hsec.load(ENERGY) as s:
        want = (s.ranking(top=0), s.optimize(5e6), s.optimize_range(5e6, 0, 16),
                s.coupling()["overall_influence"].tolist())
        got, errors = [], []

        def work():
            try:
                for _ in range(3):
                    got.append((s.ranking(top=0), s.optimize(5e6),
                                s.optimize_range(5e6, 0, 16),
                                s.coupling()["overall_influence"].tolist()))
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(got) == 12 and all(g == want for g in got)


def test_close_waits_for_an_ensemble_call():
    with hsec.load(ENERGY) as s:
        s.set_option("uncertainty.members", 3)
        e = s.ensemble()
        started, release = threading.Event(), threading.Event()
        out = []

        def slow():
            with e._call():  # a call under way on the ensemble
                started.set()
                release.wait(60)
                out.append(lib_members(e))

        def lib_members(ens):
            return hsec._lib.lib.hsec_ensemble_members(ens._p)

        t = threading.Thread(target=slow)
        t.start()
        started.wait(60)
        closer = threading.Thread(target=e.close)
        closer.start()
        closer.join(0.2)
        assert closer.is_alive()  # close waits for the call
        release.set()
        t.join()
        closer.join(60)
        assert out == [3]
        with pytest.raises(hsec.Closed):
            e.quantile()


# ----------------------------------------------------- docstrings, typing

def _public(obj):
    for name, value in vars(obj).items():
        if name.startswith("_"):
            continue
        yield name, value


def test_every_public_name_has_a_docstring():
    missing = []
    for name in hsec.__all__:
        value = getattr(hsec, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            if not (value.__doc__ or "").strip():
                missing.append(name)
            if inspect.isclass(value):
                for cls in value.__mro__:
                    if cls.__module__ != "hsec" or cls is object:
                        continue
                    for attr, member in _public(cls):
                        f = member.fget if isinstance(member, property) else member
                        if callable(f) and not (getattr(f, "__doc__", "") or "").strip():
                            missing.append(f"{name}.{attr}")
    assert not missing, missing


def test_typed_package():
    pkg = pathlib.Path(hsec.__file__).parent
    assert (pkg / "py.typed").is_file()
    hints = [inspect.signature(f).return_annotation for f in (
        hsec.load, hsec.version, hsec.Scenario.run, hsec.Results.burden, hsec.Scenario.ranking,
        hsec.Ensemble.quantile)]
    assert all(h is not inspect.Signature.empty for h in hints)


def test_version_is_the_library_s():
    assert hsec.__version__ == hsec.version() == cli_text("--version").split()[-1]


def test_the_library_loaded():
    """HSEC_LIBRARY when set, else the copy the package's build put inside
    it, when there is one."""
    loaded = os.path.realpath(hsec._lib.lib._name)
    bundled = pathlib.Path(hsec.__file__).parent / "libhsec.so.1"
    env = os.environ.get("HSEC_LIBRARY")
    if env:
        assert loaded == os.path.realpath(env)
    elif bundled.exists():
        assert loaded == os.path.realpath(bundled)
    assert hsec._lib.lib.hsec_version_number() // 10000 == 1


def test_ensemble_progress_on_worker_threads_refuses_the_scenario():
    """An ensemble calls the progress callback from its worker threads:
    there too, using the scenario raises Busy rather than waiting for ever
    on the call that holds it."""
    with hsec.load(ENERGY) as s:
        s.set_option("uncertainty.members", 8)
        s.set_option("uncertainty.threads", 4)
        seen, done = [], []

        def progress(d, total):
            seen.append(threading.get_ident())
            for call in (lambda: s.stamp, lambda: s.run(), lambda: s.close()):
                try:
                    call()
                    seen.append("ran")
                except hsec.Busy:
                    seen.append("busy")
            return False

        s.set_progress(progress)
        t = threading.Thread(target=lambda: done.append(s.ensemble().members))
        t.start()
        t.join(60)
        assert not t.is_alive() and done == [8]
        assert {x for x in seen if isinstance(x, str)} == {"busy"}
        s.set_progress(None)
        assert s.run() is not None  # not closed by the callback


def test_report_html_reports_progress():
    with hsec.load(ENERGY) as s:
        calls = []
        s.set_progress(lambda done, total: calls.append((done, total)))
        with_progress = s.report_html()
        s.set_progress(None)
        assert calls and with_progress == s.report_html()
        s.set_progress(lambda done, total: True)
        with pytest.raises(hsec.Canceled):
            s.report_html()


def test_report_html_progress_exception_is_the_cause():
    with hsec.load(ENERGY) as s:
        def fail(done, total):
            raise KeyError("stop here")

        s.set_progress(fail)
        with pytest.raises(hsec.Canceled) as caught:
            s.report_html()
        assert isinstance(caught.value.__cause__, KeyError)
        s.set_progress(lambda done, total: True)
        with pytest.raises(hsec.Canceled) as caught:
            s.run()
        assert caught.value.__cause__ is None  # nothing left over from the report


def test_ensemble_table_round_trip():
    with hsec.load(ENERGY) as s:
        s.set_option("uncertainty.members", 6)
        s.set_uncertainty("weights", 0.5, 1, 1.5)
        whole = s.ensemble(package="none")
        t = whole.table()
        assert t.shape[0] == 6 and t.shape[1] > 0
        a = s.ensemble_from_table(t[:2], 0, package="none")
        b = s.ensemble_from_table(t[2:], 2, package="none")
        assert a.range == (0, 2, 6) and b.range == (2, 6, 6)
        again = s.ensemble_from_table(t, package="none")
        assert again.values("total").tobytes() == whole.values("total").tobytes()
        assert again.to_dict() == whole.to_dict()
        assert again.measures == []
        with pytest.raises(hsec.BadInput):
            s.ensemble_from_table(t[:, :-1], package="none")  # the wrong width
        with pytest.raises(hsec.BadInput, match="not members x width"):
            s.ensemble_from_table(t[0])


def test_operator_by_package_and_refusals():
    with hsec.load(ENERGY) as s:
        assert s.operator(10, package="none")["weight"].tolist() == \
            s.operator(10, measures=[])["weight"].tolist()
        p = s.packages[0]
        assert s.operator(-1, package=p)["weight"].tolist() == \
            s.operator(-1, measures=s.package(p)["measures"])["weight"].tolist()
        with pytest.raises(hsec.BadInput, match="step -2"):
            s.operator(-2)


def test_annotations_resolve():
    import typing
    for name in hsec.__all__:
        value = getattr(hsec, name)
        if inspect.isfunction(value):
            typing.get_type_hints(value)
        elif inspect.isclass(value):
            for attr, member in vars(value).items():
                f = member.fget if isinstance(member, property) else member
                if inspect.isfunction(f) and not attr.startswith("_"):
                    typing.get_type_hints(f)


# What of the C API the binding does not call, and why. Every other
# HSEC_API function of include/hsec.h is bound (hsec/_lib.py).
NOT_BOUND = {
    "hsec_scenario_allocator": "custom allocators are for C programs; Python uses malloc",
    "hsec_default_allocator": "custom allocators are for C programs; Python uses the default",
    "hsec_doc_rank_json": "Scenario.ranking uses hsec_doc_rank_json_with, its superset",
    "hsec_scenario_coupling": "Scenario.coupling uses hsec_scenario_coupling_with",
    "hsec_scenario_measure_cost": "Scenario.measure reads the cost through its timing",
}


def test_every_function_of_the_header_is_bound_or_listed():
    text = re.sub(r"/\*.*?\*/", " ", (ROOT / "include" / "hsec.h").read_text(), flags=re.S)
    api = set(re.findall(r"HSEC_API[^;(]*?\b(hsec_\w+)\s*\(", text))
    bound = set(hsec._lib._SIGNATURES)
    assert api - bound - set(NOT_BOUND) == set(), "HSEC_API functions neither bound nor listed"
    assert not bound & set(NOT_BOUND), "listed as not bound, but bound"
    assert bound <= api, "bound functions the header does not declare"
