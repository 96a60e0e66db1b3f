"""Ensembles in member ranges through the binding: parts run in a process
pool, each loading the scenario file, merged back bit for bit."""
import concurrent.futures as cf
import json
import pathlib
import struct

import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "energy-cascade.json"


def _scenario(path):
    s = hsec.load(EXAMPLE)
    s.set_option("uncertainty.members", 13)
    s.set_option("seed", 5)
    s.set_uncertainty("weights", 0.5, 1, 1.5)
    s.save(path, format="cbor")
    return s


def run_part(path, first, last):
    with hsec.load(path) as s:
        s.set_option("uncertainty.threads", 1)
        return s.ensemble_range(first, last)


def bits(xs):
    return struct.pack(f"{len(xs)}d", *xs)


@pytest.mark.parametrize("bounds", [[0, 13], [0, 6, 13], [0, 1, 1, 9, 13],
                                    [0, 2, 4, 6, 8, 10, 12, 13]])
def test_pool_parts_merge_bit_for_bit(tmp_path, bounds):
    path = tmp_path / "s.cbor"
    with _scenario(path) as s, hsec.load(path) as again:
        whole = s.ensemble()
        with cf.ProcessPoolExecutor(2) as pool:
            parts = list(pool.map(run_part, [path] * (len(bounds) - 1), bounds[:-1],
                                  bounds[1:]))
        merged = again.ensemble_merge(reversed(parts))
        assert merged.range == (0, 13, 13)
        assert bits(merged.values("total")) == bits(whole.values("total"))
        for q in (0, 0.05, 0.5, 0.95, 1):
            assert bits([merged.quantile("total", q)]) == bits([whole.quantile("total", q)])


def test_refusals(tmp_path):
    path = tmp_path / "s.cbor"
    with _scenario(path) as s:
        a, b = s.ensemble_range(0, 5), s.ensemble_range(4, 13)
        with pytest.raises(hsec.BadInput, match="overlap"):
            s.ensemble_merge([a, b])
        with pytest.raises(hsec.BadInput, match="in no part"):
            s.ensemble_merge([a])
        damaged = bytearray(a)
        damaged[len(a) // 2] ^= 1
        with pytest.raises(hsec.Error, match="CRC-32"):
            s.ensemble_merge([damaged, s.ensemble_range(5, 13)])
        s.set_option("seed", 6)
        with pytest.raises(hsec.BadInput, match="another scenario or other settings"):
            s.ensemble_merge([a, s.ensemble_range(5, 13)])


def _compare_scenario():
    return hsec.load(ROOT / "examples" / "collective-defence.json")


@pytest.mark.parametrize("cuts", [[(0, 3)], [(2, 3), (0, 2)], [(1, 2), (0, 0), (0, 1), (2, 3)]],
                         ids=["whole", "two", "three-and-empty"])
def test_compare_parts_merge_to_the_whole(cuts):
    """A comparison split by packages, the parts in any order, gives the
    whole comparison's document exactly; without branches too."""
    with _compare_scenario() as s:
        assert len(s.packages) == 3
        whole = s.compare()
        assert s.compare_merge([s.compare_part(a, b) for a, b in cuts]) == whole
        plain = s.compare(branches=False)
        assert s.compare_merge([s.compare_part(a, b, branches=False) for a, b in cuts]) == plain
        assert "averted_by_branch" in json.dumps(whole)


def test_compare_parts_refusals():
    with _compare_scenario() as s:
        with pytest.raises(hsec.BadInput, match="package 2 .* is in no part"):
            s.compare_merge([s.compare_part(0, 2)])
        with pytest.raises(hsec.BadInput, match="is in two parts"):
            s.compare_merge([s.compare_part(0, 2), s.compare_part(1, 3)])
        with pytest.raises(hsec.BadInput, match="not a range"):
            s.compare_part(2, 4)
        part = s.compare_part(0, 3)
        s.set_option("seed", 12345)
        with pytest.raises(hsec.BadInput, match="fingerprint"):
            s.compare_merge([part])


def _compare_worker(args):
    path, first, last = args
    with hsec.load(path) as s:
        return s.compare_part(first, last)


def test_compare_in_a_process_pool():
    """The parts computed in other processes merge to the whole."""
    path = str(ROOT / "examples" / "collective-defence.json")
    with cf.ProcessPoolExecutor(2) as pool:
        parts = list(pool.map(_compare_worker, [(path, 0, 1), (path, 1, 3)]))
    with _compare_scenario() as s:
        assert s.compare_merge(parts) == s.compare()
