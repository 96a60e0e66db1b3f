"""The Python binding against the CLI and the model's published numbers."""
import gc
import json
import math
import os
import pathlib
import subprocess

import numpy as np
import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
CLI = os.environ.get("HSEC_CLI", str(ROOT / "build" / "tools" / "hsec"))


def cli(*args):
    out = subprocess.run([CLI, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_results_equal_the_cli(path):
    with hsec.load(path) as s:
        r = s.run()
        assert r.to_dict() == cli("run", path)
        doc = r.to_dict()
        for name, node in doc["nodes"].items():
            assert r.q[r.node(name)] == node["q"]
            assert list(r.orders[r.node(name)]) == node["orders"]
            if "series" in node:
                assert list(r.series(name)) == node["series"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_compare_equals_the_cli(path):
    with hsec.load(path) as s:
        assert s.compare() == cli("compare", path)


def test_load_a_dict():
    doc = json.loads((ROOT / "examples" / "energy-cascade.json").read_text())
    with hsec.load(doc) as s:
        assert s.run().to_dict() == cli("run", ROOT / "examples" / "energy-cascade.json")


def worked_example():
    m = hsec.Model()
    m.add_region("east")
    m.add_group("elderly", "east", 120000, flags=["elderly", "disabled"],
                vulnerability={"health": 1.5}, recovery=0.1)
    m.add_service("grid", "energy", "east", recovery=0.2)
    m.add_service("water", "water", "east", recovery=0.3)
    m.add_link("grid", "water", 0.6)
    m.add_link("water", "elderly.health", 0.5, lag=2)
    c = m.compile()
    m.close()
    s = c.scenario()
    c.close()  # the scenario keeps its own reference
    s.add_threat("strike", {"grid": 0.8}, actor="adversary", start=1, duration=30)
    s.set_option("mode", "dynamic").set_option("steps", 40)
    for n in ("grid", "water", "elderly.health"):
        s.record(n)
    return s


def test_builder_reproduces_the_worked_example():
    """doc/model.md §4, through the builder API."""
    with worked_example() as s:
        r = s.run()
        np.testing.assert_allclose(r.series("grid")[:6], [0, 0, 0.16, 0.288, 0.3904, 0.47232],
                                   atol=1e-12)
        np.testing.assert_allclose(r.series("water")[:6], [0, 0, 0, 0.0288, 0.072, 0.120672],
                                   atol=1e-12)
        assert abs(r.series("elderly.health")[30] - 0.299786) < 1e-6
        assert abs(r.q[r.node("grid")] - 0.107241) < 1e-6
        assert r.orders.shape == (r.q.shape[0], 4)
        assert r.orders[r.node("elderly.health"), 2] == r.q[r.node("elderly.health")]
        assert r.mode == "dynamic" and r.steps == 40
        assert r.burden("threat", 0) == r.burden("propagated")


def test_run_with_some_measures():
    with hsec.load(ROOT / "examples" / "energy-cascade.json") as s:
        everything = s.run().burden("propagated")
        none = s.run(measures=[]).burden("propagated")
        some = s.run(measures=["hospital_generators"]).burden("propagated")
        assert everything < some < none
        with pytest.raises(hsec.BadInput, match="no measure 'sandbags'"):
            s.run(measures=["sandbags"])


def test_rank_is_the_adjoint():
    with hsec.load(ROOT / "examples" / "epidemic-conflict.json") as s:
        u = s.rank()
        names = s.node_names()
        assert names[int(np.argmax(u))] == "treatment_centres"
        assert u.shape == (len(names),)


def test_bad_values_cross_as_exceptions():
    m = hsec.Model()
    m.add_region("r")
    with pytest.raises(TypeError, match="size must be a number"):
        m.add_group("g", "r", None)
    with pytest.raises(TypeError, match="id must be a str"):
        m.add_group(3, "r", 10)
    with pytest.raises(hsec.BadInput, match="size -5"):
        m.add_group("g", "r", -5)
    with pytest.raises(hsec.BadInput, match="size nan") as e:
        m.add_group("g", "r", math.nan)
    assert e.value.code == -1 and isinstance(e.value, ValueError)
    with pytest.raises(hsec.BadInput, match="service_kind 'nuclear'"):
        m.add_service("s", "nuclear")
    with pytest.raises(hsec.BadInput, match="weight 1.5"):
        m.add_link("a", "b", 1.5)
    m.add_group("g", "r", 10)  # the model is still usable
    with pytest.raises(hsec.BadInput, match="parameter 'colour'"):
        m.set("g", "colour", 1)
    m.close()
    m.close()  # twice is fine
    with pytest.raises(hsec.Closed, match="model is closed"):
        m.add_region("x")


def test_documents_and_convergence_errors(tmp_path):
    with pytest.raises(hsec.FileError, match="nowhere.json"):
        hsec.load(tmp_path / "nowhere.json")
    with pytest.raises(hsec.BadInput, match="unknown key \"sise\""):
        hsec.load({"hsec": 1, "sise": 1})
    with pytest.raises(hsec.BadInput, match="JSON"):
        hsec.load({"hsec": 1, "groups": [{"id": "g", "region": "r", "size": math.nan}]})
    with pytest.raises(TypeError):
        hsec.load(42)
    s = hsec.load({"hsec": 1,
                   "services": [{"id": "a", "kind": "water"}, {"id": "b", "kind": "water"}],
                   "links": [{"from": "a", "to": "b", "weight": 1}, {"from": "b", "to": "a", "weight": 1}],
                   "threats": [{"id": "t", "targets": [{"node": "a", "magnitude": 0.5}]}],
                   "run": {"bounded": False}})
    with pytest.raises(hsec.NoConvergence, match="spectral radius"):
        s.run()
    s.set_option("bounded", 1)
    assert s.run().q[0] == 1.0  # bounded mode runs the same model
    with pytest.raises(hsec.BadInput, match="run.steps"):
        s.set_option("steps", -3)
    s.close()


def test_progress_and_cancel():
    seen = []
    with worked_example() as s:
        s.set_progress(lambda done, total: seen.append((done, total)))
        s.run()
        assert seen[-1] == (40, 40) and seen[0][0] == 0
        s.set_progress(lambda done, total: done >= 10)
        with pytest.raises(hsec.Canceled):
            s.run()

        def broken(done, total):
            raise RuntimeError("boom")

        s.set_progress(broken)  # an exception in the callback cancels, never crashes
        with pytest.raises(hsec.Canceled):
            s.run()
        s.set_progress(None)
        s.run()
        with pytest.raises(TypeError):
            s.set_progress(5)


def test_results_outlive_close_and_gc_frees():
    s = worked_example()
    r = s.run()
    r.close()
    q = r.q  # a copy, still readable
    assert q.shape[0] == 9
    with pytest.raises(hsec.Closed):
        r.to_dict()
    s.close()
    for _ in range(200):  # handles left to the garbage collector
        worked_example().run()
    gc.collect()
    assert hsec.version().startswith("1.")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_save_and_load_again(path, tmp_path):
    with hsec.load(path) as s:
        first = s.run().to_dict()
        for fmt in ("json", "cbor", "container", "container-zlib"):
            out = tmp_path / f"saved.{fmt}"
            s.save(out, fmt)
            with hsec.load(out) as t:
                assert t.run().to_dict() == first
        with pytest.raises(hsec.BadInput, match="format 'yaml'"):
            s.save(tmp_path / "x", "yaml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_operator_solves_like_the_library(path):
    """The static linear equilibrium from the exported operator, by a dense
    solve in numpy, equals the library's run."""
    with hsec.load(path) as s:
        s.set_option("mode", "static")
        s.set_option("bounded", 0)
        rowp, src, w, lag = s.links()
        op = s.operator()
        n = len(rowp) - 1
        a = np.zeros((n, n))
        for i in range(n):
            for e in range(rowp[i], rowp[i + 1]):
                a[i, src[e]] += op["weight"][e]
        c = op["perturbation"].sum(axis=1)
        q = np.linalg.solve(np.eye(n) - a, c)
        r = s.run()
        assert np.allclose(r.q, q, rtol=1e-10, atol=1e-12)
        assert np.all(op["recovery"] == 1)
        assert np.all((w >= 0) & (w <= 1)) and np.all(src < n)
        assert len(w) == len(lag) == len(op["weight"]) == rowp[-1]
        g = s.groups()
        assert np.allclose(g["weight"].sum(axis=1), 1)
        assert len(g["id"]) == len(g["size"]) == len(g["node"])
        with pytest.raises(hsec.BadInput, match="-2"):
            s.operator(step=-2)


def test_run_threads_option():
    with hsec.load(EXAMPLES[0]) as s:
        one = s.run().to_dict()
        s.set_option("run.threads", 2)
        assert s.option("threads") == 2  # "run." may be left out
        assert s.run().to_dict() == one
        with pytest.raises(hsec.BadInput, match="257"):
            s.set_option("threads", 257)
        with pytest.raises(hsec.BadInput, match="option 'run_threads'"):
            s.set_option("run_threads", 2)
