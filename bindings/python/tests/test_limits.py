"""Limits on what a document may ask for, through the binding: refused by
name (the library's HSEC_ELIMIT) before anything large is allocated."""
import pathlib

import pytest

import hsec
from hsec._constants import ERROR

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "energy-cascade.json"


def recorded_for(steps):
    return {"hsec": 1, "regions": [{"id": "r"}],
            "groups": [{"id": f"g{i}", "region": "r", "size": 10} for i in range(100)],
            "threats": [{"id": "t", "targets": [{"node": "g0.health", "magnitude": 0.5}]}],
            "run": {"mode": "dynamic", "steps": steps, "record": ["r"]}}


def test_a_run_too_large_for_the_memory_limit_is_refused_at_load():
    with pytest.raises(hsec.BadInput) as err:
        hsec.load(recorded_for(10_000_000))
    assert err.value.code == ERROR["elimit"]
    assert "700 recorded series of 10000001 steps" in str(err.value)
    assert "HSEC_LIMIT_MEMORY" in str(err.value)
    # the same document with fewer steps loads and runs
    with hsec.load(recorded_for(50)) as s:
        with s.run() as r:
            assert len(r.series("g0.health")) == 51


def test_the_memory_limit_is_set_by_name():
    with hsec.load(EXAMPLE, limits={"memory": 1 << 30}) as s:
        with s.run():
            pass
    with pytest.raises(hsec.BadInput) as err:
        hsec.load(EXAMPLE, limits={"memory": 1000})
    assert "HSEC_LIMIT_MEMORY" in str(err.value)
