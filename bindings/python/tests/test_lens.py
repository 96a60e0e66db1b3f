"""Topics, branches, labels and differentiated impacts through the binding."""
import math
import pathlib

import numpy as np
import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
CD = ROOT / "examples" / "collective-defence.json"


def three_groups():
    """Static linear, no links: a (100, women + displaced) gets 0.7 on food
    and has 0.14 economic baseline; b (300, women) 0.35 on health; c (600)
    0.07 economic baseline. Burdens 12, 15 and 6 (weights 1/7)."""
    m = hsec.Model()
    m.add_region("r", label="Région")
    m.add_group("a", "r", 100, flags=["women", "displaced"], baseline={"economic": 0.14})
    m.add_group("b", "r", 300, flags=["women"])
    m.add_group("c", "r", 600, baseline={"economic": 0.07})
    m.add_service("r:steel", "economic_sector", "r", label="Basic iron and steel")
    s = m.compile().scenario()
    s.add_threat("ta", {"a.food": 0.7}, actor="adversary",
                 topics=["protection_of_civilians", "children_and_armed_conflict"])
    s.add_threat("tb", {"b.health": 0.35}, actor="criminal")
    s.set_option("bounded", 0)
    return s


def test_impacts_by_hand():
    with three_groups() as s:
        r = s.run()
        everyone = r.impact()
        assert everyone["people"] == 1000
        assert math.isclose(everyone["burden"], 33, rel_tol=1e-12)
        women = r.impact("women")
        assert math.isclose(women["burden"], 27, rel_tol=1e-12)
        assert math.isclose(women["propagated"], 25, rel_tol=1e-12)
        assert math.isclose(women["per_capita"], 0.0675, rel_tol=1e-12)
        assert math.isclose(women["ratio"], 0.0675 / 0.033, rel_tol=1e-12)
        assert math.isclose(r.impact("displaced")["ratio"], 0.12 / 0.033, rel_tol=1e-12)
        children = r.impact("children")
        assert children["people"] == 0 and math.isnan(children["per_capita"])
        assert r.burden("flag", "women") == women["burden"]
        assert r.burden("flag_propagated", "population") == r.burden("propagated")
        with pytest.raises(hsec.BadInput, match="flag 'nobody'"):
            r.impact("nobody")


def test_topics_are_sums_of_threats():
    with three_groups() as s:
        r = s.run()
        ta, tb = r.burden("threat", 0), r.burden("threat", 1)
        assert r.burden("topic", "protection_of_civilians") == ta
        assert r.burden("topic", "children_and_armed_conflict") == ta
        assert r.burden("topic", "none") == tb
        assert r.burden("topic", "cultural_property_protection") == 0
        assert s.threat("ta")["topics"] == ["protection_of_civilians",
                                            "children_and_armed_conflict"]
        assert s.threat("tb")["topics"] == []
        with pytest.raises(hsec.BadInput, match="topic 'peace'"):
            s.add_threat("tc", {"c.food": 0.1}, topics=["peace"])


def test_labels():
    with three_groups() as s:
        assert s.regions()["label"] == ["Région"]
        assert s.services()["label"] == ["Basic iron and steel"]
        assert s.services()["kind"] == ["economic_sector"]
    m = hsec.Model()
    m.add_region("r")
    m.add_service("s", "water", "r")
    m.set_label("s", "Pumps")
    m.set_label("s", None)
    with pytest.raises(hsec.BadInput, match="1025 bytes, more than 1024"):
        m.set_label("r", "x" * 1025)
    with pytest.raises(hsec.Error, match="is a group|no region or service"):
        m.set_label("nobody", "x")
    with m.compile() as c:
        assert c.services()["label"] == [None]


def test_branches_are_runs():
    with hsec.load(CD) as s:
        assert s.measure("joint_patrols")["branch"] == "military_police"
        assert s.measure("survivor_care")["topics"] == ["conflict_related_sexual_violence",
                                                        "children_and_armed_conflict"]
        doc = s.compare()
        base = s.run(package="none").burden("total")
        for pk, entry in doc["packages"].items():
            ids = s.package(pk)["measures"]
            by = {}
            for m in ids:
                by.setdefault(s.measure(m)["branch"], []).append(m)
            assert set(entry["averted_by_branch"]) == set(by)
            for branch, measures in by.items():
                assert entry["averted_by_branch"][branch] == base - s.run(measures).burden("total")
            assert entry["measures_by_branch"] == by
        assert "averted_by_branch" not in s.compare(branches=False)["packages"]["infrastructure"]


def test_measure_branch_checked():
    with three_groups() as s:
        s.add_measure("m", "protection", "shield", 0.5, targets=["a"], branch="g9_cimic",
                      topics="protection_of_civilians")
        assert s.measure("m")["branch"] == "g9_cimic"
        assert s.measure("m")["topics"] == ["protection_of_civilians"]
        with pytest.raises(hsec.BadInput, match="branch 'g6'"):
            s.add_measure("n", "protection", "shield", 0.5, targets=["a"], branch="g6")
        assert "n" not in s.measures  # refused before anything was added
        r1 = s.run()
        s2 = three_groups()
        s2.add_measure("m", "protection", "shield", 0.5, targets=["a"])
        r2 = s2.run()
        assert np.array_equal(r1.q, r2.q)  # labels change nothing
