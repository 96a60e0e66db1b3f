"""The measures a run has in force, by package or by id, and the warnings of
scenarios and runs, against the CLI and against runs with explicit masks."""
import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "energy-cascade.json"
CLI = os.environ.get("HSEC_CLI", str(ROOT / "build" / "tools" / "hsec"))


def cli(*args):
    out = subprocess.run([CLI, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def document():
    return json.loads(EXAMPLE.read_text())


def test_run_by_package_equals_the_cli_and_the_mask():
    doc = document()
    pkg = doc["packages"][0]
    with hsec.load(EXAMPLE) as s:
        r = s.run(package=pkg["id"])
        assert r.measures == [m["id"] for m in doc["measures"] if m["id"] in pkg["measures"]]
        assert r.to_dict() == cli("run", EXAMPLE, "--package", pkg["id"])
        assert r.to_dict()["measures"] == r.measures
        by_ids = s.run(measures=pkg["measures"])
        assert by_ids.measures == r.measures
        assert np.array_equal(by_ids.q, r.q)
        every = s.run()
        assert every.measures == [m["id"] for m in doc["measures"]]
        assert not np.array_equal(every.q, r.q)


def test_a_string_is_one_measure():
    doc = document()
    one = doc["measures"][0]["id"]
    with hsec.load(EXAMPLE) as s:
        assert s.run(measures=one).measures == [one]
        assert np.array_equal(s.run(measures=one).q, s.run(measures=[one]).q)
        with pytest.raises(hsec.BadInput, match="no_such"):
            s.run(measures="no_such")
        with pytest.raises(hsec.BadInput, match="not both"):
            s.run(measures=[one], package=doc["packages"][0]["id"])
        with pytest.raises(hsec.BadInput, match="no_package"):
            s.run(package="no_package")


def test_none_is_the_baseline():
    with hsec.load(EXAMPLE) as s:
        r = s.run(package="none")
        assert r.measures == []
        assert np.array_equal(r.q, s.run(measures=[]).q)
        assert r.burden("propagated") == s.compare()["baseline"]["propagated"]


def test_rank_with_measures():
    doc = document()
    pkg = doc["packages"][0]
    with hsec.load(EXAMPLE) as s:
        u = s.rank(package=pkg["id"])
        ranked = cli("rank", EXAMPLE, "--top", "0", "--package", pkg["id"])
        assert ranked["measures"] == [m["id"] for m in doc["measures"] if m["id"] in pkg["measures"]]
        for row in ranked["rank"]:
            assert u[s.node(row["node"])] == row["marginal_burden"]
        assert np.array_equal(s.rank(measures=pkg["measures"]), u)
        assert not np.array_equal(s.rank(package="none"), s.rank())
        assert np.array_equal(s.rank(measures=[m["id"] for m in doc["measures"]]), s.rank())


WARN = {
    "hsec": 1, "regions": [{"id": "r"}],
    "groups": [{"id": "people", "region": "r", "size": 100},
               {"id": "nobody", "region": "r", "size": 0}],
    "services": [{"id": "grid", "kind": "energy", "region": "r"},
                 {"id": "well", "kind": "water", "region": "r"}],
    "links": [{"from": "grid", "to": "people.health", "weight": 0.5}],
    "threats": [{"id": "strike", "start": 50, "targets": [{"node": "grid", "magnitude": 0.5}]}],
    "measures": [{"id": "pump", "kind": "protection", "effect": "recover", "delta": 0.1,
                  "targets": [{"node": "well"}]}],
    "run": {"mode": "dynamic", "steps": 20, "record": ["grid"]},
}


def test_warnings():
    with hsec.load(WARN) as s:
        assert s.warnings == []
        codes = [c for c, _ in s.diagnose()]
        assert codes == ["never_in_force", "unreachable", "empty_group"]
        assert '"strike"' in s.warnings[0][1] and '"pump"' in s.warnings[1][1]
        r = s.run()
        assert [c for c, _ in r.warnings] == ["flat_series"]
        assert "grid" in r.warnings[0][1]
        doc = r.to_dict()
        assert [(w["code"], w["message"]) for w in doc["warnings"]] == s.warnings + r.warnings
    quiet = dict(WARN, threats=[{"id": "strike", "targets": [{"node": "grid", "magnitude": 0.5},
                                                              {"node": "well", "magnitude": 0.5}]}],
                 groups=WARN["groups"][:1])
    with hsec.load(quiet) as s:
        r = s.run()
        assert s.warnings == [] and r.warnings == []
