"""The getters of a compiled model and a scenario give back what the builder
put in, and failures on read-only objects carry the library's message."""
import math
import pathlib
import threading

import numpy as np
import pytest

import hsec
from hsec._lib import lib

ROOT = pathlib.Path(__file__).resolve().parents[3]
GROUP = ["elderly", "children"]


def model():
    m = hsec.Model()
    m.add_region("country")
    m.add_region("east", parent="country")
    m.add_region("west", "country")
    m.add_group("elderly", "east", 120000, flags=["elderly", "disabled"],
                vulnerability={"health": 1.5}, recovery=0.1, baseline={"food": 0.25})
    m.add_group("children", "west", 90000, flags=["children"], recovery_time=12,
                weights={"health": 2, "food": 1}, initial={"economic": 0.05})
    m.add_service("grid", "energy", "east", recovery=0.2)
    m.add_service("radio", "communications")
    m.add_service("water", "water", "west", recovery_time=5, initial=0.1)
    m.add_link("grid", "water", 0.6)
    m.add_link("water", "children.health", 0.5, lag=2)
    m.add_link("grid", "elderly.health", 0.3)
    m.add_link("radio", "children.community", 0.2)
    c = m.compile()
    m.close()
    return c


def nodes_of(c, group):
    return [c.node(f"{group}.{d}") for d in hsec.DIMENSIONS]


def test_regions():
    with model() as c:
        r = c.regions()
        ids = r["id"]
        assert sorted(ids) == ["country", "east", "west"]
        parent = dict(zip(ids, r["parent"]))
        assert parent["country"] is None
        assert ids[parent["east"]] == "country" and ids[parent["west"]] == "country"


def test_services():
    with model() as c:
        s = c.services()
        regions = c.regions()["id"]
        assert s["id"] == ["grid", "radio", "water"]
        assert s["kind"] == ["energy", "communications", "water"]
        assert [None if r is None else regions[r] for r in s["region"]] == ["east", None, "west"]
        assert list(s["node"]) == [c.node("grid"), c.node("radio"), c.node("water")]


def test_groups():
    with model() as c:
        g = c.groups()
        regions = c.regions()["id"]
        assert g["id"] == GROUP
        assert [regions[r] for r in g["region"]] == ["east", "west"]
        assert [set(f) for f in g["flags"]] == [{"elderly", "disabled"}, {"children"}]
        assert list(g["size"]) == [120000, 90000]
        assert list(g["node"]) == [c.node("elderly.economic"), c.node("children.economic")]
        food = hsec.DIMENSIONS.index("food")
        assert g["baseline"][0, food] == 0.25 and g["baseline"].sum() == 0.25
        health = hsec.DIMENSIONS.index("health")
        assert g["weight"][1, health] == pytest.approx(2 / 3)
        assert g["weight"][1, food] == pytest.approx(1 / 3)


def test_params_as_given():
    with model() as c:
        n = c.node_count
        at = {name: i for i, name in enumerate(c.node_names())}
        elderly, children = nodes_of(c, "elderly"), nodes_of(c, "children")
        services = [at["grid"], at["radio"], at["water"]]
        v = c.params("vulnerability")
        assert v.shape == (n,)
        assert v[at["elderly.health"]] == 1.5
        assert all(v[i] == 1 for i in elderly + children if i != at["elderly.health"])
        k = c.params("recovery")
        assert all(k[i] == 0.1 for i in elderly)
        assert k[at["grid"]] == 0.2
        assert all(k[i] == 1 for i in children + [at["water"], at["radio"]])
        tau = c.params("recovery_time")
        assert all(tau[i] == 12 for i in children) and tau[at["water"]] == 5
        assert all(tau[i] == 0 for i in elderly + [at["grid"], at["radio"]])
        w = c.params("weight")
        assert w[at["children.health"]] == 2 and w[at["children.food"]] == 1
        assert all(w[i] == 0 for i in children if i not in (at["children.health"],
                                                              at["children.food"]))
        assert len({w[i] for i in elderly}) == 1 and w[elderly[0]] > 0
        b = c.params("baseline")
        assert b[at["elderly.food"]] == 0.25
        assert all(b[i] == 0 for i in elderly + children if i != at["elderly.food"])
        q0 = c.params("initial")
        assert q0[at["water"]] == 0.1 and q0[at["children.economic"]] == 0.05
        assert np.count_nonzero(q0) == 2
        for p in (w, b):
            assert all(math.isnan(p[i]) for i in services)
        with pytest.raises(hsec.BadInput, match="parameter 'colour'"):
            c.params("colour")


def scenario():
    c = model()
    s = c.scenario()
    c.close()
    s.add_threat("strike", {"grid": 0.8, "elderly": 0.3}, actor="adversary", start=2,
                 duration=30, likelihood=0.5)
    s.add_threat("flood", {"water": 0.4}, actor="natural", persistent=True)
    s.add_measure("generators", "protection", "decouple", 0.5, links=[("grid", "water")],
                  actor="military", start=5, ramp=3, duration=20, cost=250000)
    s.add_measure("clinics", "empowerment", "recover", 0.05, targets=["children"],
                  actor="ngo")
    s.add_measure("shelter", "protection", "shield", 0.7, targets=["grid", "elderly.health"],
                  cost=10)
    s.add_package("all", ["clinics", "generators", "shelter"])
    s.add_package("cheap", ["shelter"])
    s.add_package("nothing")
    return s


def test_threats():
    with scenario() as s:
        t = s.threat("strike")
        assert (t["id"], t["actor"], t["start"], t["duration"], t["likelihood"]) == \
            ("strike", "adversary", 2, 30, 0.5)
        want = {s.node("grid"): 0.8, **{i: 0.3 for i in nodes_of(s, "elderly")}}
        assert list(t["nodes"]) == sorted(want)
        assert list(t["magnitudes"]) == [want[i] for i in sorted(want)]
        f = s.threat(1)
        assert (f["id"], f["actor"], f["start"], f["duration"], f["likelihood"]) == \
            ("flood", "natural", 0, None, 1)
        assert list(f["nodes"]) == [s.node("water")] and list(f["magnitudes"]) == [0.4]
        with pytest.raises(hsec.BadInput, match="no threat 'storm'"):
            s.threat("storm")


def test_measures():
    with scenario() as s:
        g = s.measure("generators")
        assert {k: g[k] for k in ("kind", "effect", "actor", "strength", "start", "ramp",
                                  "duration", "cost")} == \
            {"kind": "protection", "effect": "decouple", "actor": "military", "strength": 0.5,
             "start": 5, "ramp": 3, "duration": 20, "cost": 250000}
        rowp, src, _, _ = s.links()
        water, grid = s.node("water"), s.node("grid")
        link = [e for e in range(rowp[water], rowp[water + 1]) if src[e] == grid]
        assert list(g["targets"]) == link and len(link) == 1
        c = s.measure("clinics")
        assert (c["kind"], c["effect"], c["actor"], c["strength"]) == \
            ("empowerment", "recover", "ngo", 0.05)
        assert (c["start"], c["ramp"], c["duration"], c["cost"]) == (0, 0, None, 0)
        assert list(c["targets"]) == sorted(nodes_of(s, "children"))
        sh = s.measure(2)
        assert sh["id"] == "shelter" and sh["cost"] == 10
        assert list(sh["targets"]) == sorted([grid, s.node("elderly.health")])


def test_packages():
    with scenario() as s:
        assert s.packages == ["all", "cheap", "nothing"]
        a = s.package("all")
        assert a["measures"] == ["clinics", "generators", "shelter"]
        assert a["cost"] == 250010
        assert s.package(1) == {"id": "cheap", "measures": ["shelter"], "cost": 10}
        assert s.package("nothing") == {"id": "nothing", "measures": [], "cost": 0}


def test_uncertainty():
    with scenario() as s:
        assert s.uncertainty("weights") == (1, 1, 1)
        s.set_uncertainty("weights", 0.5, 0.9, 1.5)
        s.set_uncertainty("recovery", 0.8, 1, 1)
        assert s.uncertainty("weights") == (0.5, 0.9, 1.5)
        assert s.uncertainty("recovery") == (0.8, 1, 1)
        assert s.uncertainty("magnitudes") == (1, 1, 1)
        with pytest.raises(hsec.BadInput, match="uncertain 'lags'"):
            s.uncertainty("lags")


def test_options():
    assert "run.steps" in hsec.OPTIONS and "uncertainty.members" in hsec.OPTIONS
    assert "run.bands[0]" in hsec.OPTIONS
    with scenario() as s:
        for key in hsec.OPTIONS:
            assert s.option(key) == hsec.option_default(key), key
            lo, hi = hsec.option_bounds(key)
            assert lo <= hsec.option_default(key) <= hi or key == "run.steps", key
        s.set_option("uncertainty.members", 7)
        s.set_option("bands[0]", 3)
        assert s.option("uncertainty.members") == 7 and s.option("run.bands[0]") == 3
    assert hsec.option_default("uncertainty.members") == 100
    assert hsec.option_bounds("threads") == (0, 256)
    assert hsec.option_whole("steps") and not hsec.option_whole("recovery_lambda")
    with pytest.raises(hsec.BadInput, match="option 'run.colour'"):
        hsec.option_default("run.colour")


def test_rank_order():
    assert list(hsec.rank_order([0.5, 2.0, math.nan, 2.0, 1.0])) == [1, 3, 4, 0, 2]
    assert list(hsec.rank_order([])) == []
    with hsec.load(ROOT / "examples" / "epidemic-conflict.json") as s:
        u = s.rank()
        order = hsec.rank_order(u)
        assert sorted(order) == list(range(len(u)))
        assert all(u[a] >= u[b] for a, b in zip(order, order[1:]))


def test_group_figures():
    with scenario() as s:
        s.set_option("mode", "dynamic").set_option("steps", 40)
        r = s.run()
        baseline = s.groups()["baseline"]
        for g in range(2):
            for at in ("last", "peak"):
                _, _, y = r.group(g, at)
                p = r.group_orders(g, at)
                assert p.shape == (len(hsec.DIMENSIONS), hsec.ORDER_COUNT)
                np.testing.assert_allclose(p.sum(axis=1), y - baseline[g], atol=1e-12)
                f = r.freedoms(g, at)
                assert f.shape == (hsec.FREEDOM_COUNT,)
                d = {name: y[i] for i, name in enumerate(hsec.DIMENSIONS)}
                assert f[0] == pytest.approx((d["personal"] + d["community"] + d["political"]) / 3)
                assert f[1] == pytest.approx((d["economic"] + d["food"] + d["health"]
                                              + d["environmental"]) / 4)
                assert f[2] == pytest.approx((d["political"] + d["community"]) / 2)
        h, a, m0 = r.multidimensional("peak")
        assert len(r.multidimensional()) == hsec.AF_COUNT
        assert m0 == pytest.approx(h * a) and 0 <= h <= 1


def test_read_only_failures_carry_the_librarys_message():
    """A failure on a result or a compiled model is reported through the
    thread's message (hsec_last_errmsg), not through a handle."""
    with scenario() as s:
        r = s.run()
        for call in (lambda: r.group(99), lambda: r.freedoms(99, "peak"),
                     lambda: r.burden("group", 99)):
            lib.hsec_last_errmsg_set(0, b"an earlier message")
            with pytest.raises(hsec.BadInput) as e:
                call()
            assert "99" in e.value.message
            assert "an earlier message" not in e.value.message
            assert e.value.message != lib.hsec_strerror(e.value.code).decode()
        lib.hsec_last_errmsg_set(0, b"an earlier message")
        with pytest.raises(hsec.BadInput, match="nowhere") as e:
            s.node("nowhere")
        assert e.value.code == -3
        lib.hsec_last_errmsg_set(0, b"an earlier message")
        with pytest.raises(hsec.Error) as e:
            s.threat(99)
        assert "an earlier message" not in e.value.message


def test_the_message_is_per_thread():
    with scenario() as s:
        r = s.run()
        lib.hsec_last_errmsg_set(0, b"this thread's")
        seen = []

        def other():
            try:
                r.group(99)
            except hsec.BadInput as e:
                seen.append(e.message)

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen and "99" in seen[0]
        assert lib.hsec_last_errmsg() == b"this thread's"


def test_load_bytes_in_any_encoding_and_limits(tmp_path):
    path = ROOT / "examples" / "energy-cascade.json"
    with hsec.load(path) as s:
        want = s.run().to_dict()
        for fmt in ("cbor", "container-zlib"):
            s.save(tmp_path / fmt, fmt)
            with hsec.load((tmp_path / fmt).read_bytes()) as t:
                assert t.run().to_dict() == want
    with hsec.load(path.read_bytes()) as t:
        assert t.run().to_dict() == want
    with pytest.raises(hsec.BadInput) as e:
        hsec.load(path, limits={"nodes": 3})
    assert "3" in e.value.message
    with pytest.raises(hsec.BadInput, match="limit 'colours'"):
        hsec.load(path, limits={"colours": 3})
    with pytest.raises(hsec.BadInput) as e:
        hsec.load(b"")
    assert e.value.code == -7


def test_onset():
    """A struck bridge that fails at once (onset_time 0) but takes 120 days
    to recover is at the strike's magnitude after one step; without an
    onset the rate is the recovery rate, ln(100) / 120."""
    m = hsec.Model()
    m.add_region("r")
    m.add_service("bridge", "transport", "r", recovery_time=120, onset_time=0)
    m.add_service("road", "transport", "r", recovery_time=120)
    m.add_group("g", "r", 100, onset={"health": 0.5})
    c = m.compile()
    m.close()
    s = c.scenario()
    c.close()
    s.add_threat("strike", {"bridge": 0.9, "road": 0.9}, actor="adversary")
    s.set_option("mode", "dynamic").set_option("steps", 3)
    s.record("bridge").record("road")
    r = s.run()
    assert list(r.series("bridge")) == [0, 0.9, 0.9, 0.9]
    slow = math.log(100) / 120
    assert abs(r.series("road")[1] - 0.9 * slow) < 1e-15
    ko = s.onset_rates()
    bridge, road, health = s.node("bridge"), s.node("road"), s.node("g.health")
    assert ko[bridge] == 1 and abs(ko[road] - slow) < 1e-15 and ko[health] == 0.5
    assert np.array_equal(s.operator(step=0)["onset"], ko)
    given = s.params("onset_time")
    assert given[bridge] == 0 and math.isnan(given[road])
    assert s.params("onset")[health] == 0.5


def scenario_in_c_order():
    """scenario() written in C's argument order, positionally."""
    c = model()
    s = c.scenario()
    c.close()
    s.add_threat("strike", "adversary", {"grid": 0.8, "elderly": 0.3}, start=2, duration=30,
                 likelihood=0.5)
    s.add_threat("flood", "natural", {"water": 0.4}, persistent=True)
    s.add_measure("generators", "protection", "decouple", "military", 0.5, (),
                  [("grid", "water")], start=5, ramp=3, duration=20, cost=250000)
    s.add_measure("clinics", "empowerment", "recover", "ngo", 0.05, ["children"])
    s.add_measure("shelter", "protection", "shield", None, 0.7, ["grid", "elderly.health"],
                  cost=10)
    s.add_package("all", ["clinics", "generators", "shelter"])
    s.add_package("cheap", ["shelter"])
    s.add_package("nothing")
    return s


def test_argument_order_of_c_and_the_older_one_agree():
    """One order across C, Python and Go (doc/api.md): the scenario built in
    C's order runs bit for bit as the one built in the older order, and so
    does one built by keywords alone."""
    a, b = scenario(), scenario_in_c_order()
    c = model()
    k = c.scenario()
    c.close()
    k.add_threat("strike", targets={"grid": 0.8, "elderly": 0.3}, actor="adversary", start=2,
                 duration=30, likelihood=0.5)
    k.add_threat("flood", targets={"water": 0.4}, actor="natural", persistent=True)
    k.add_measure("generators", "protection", "decouple", actor="military", strength=0.5,
                  links=[("grid", "water")], start=5, ramp=3, duration=20, cost=250000)
    k.add_measure("clinics", "empowerment", "recover", strength=0.05, targets=["children"],
                  actor="ngo")
    k.add_measure("shelter", "protection", "shield", strength=0.7,
                  targets=["grid", "elderly.health"], cost=10)
    for s in (a, b, k):
        s.set_option("mode", "dynamic").set_option("steps", 40)
    ra, rb, rk = a.run(), b.run(), k.run()
    assert ra.burden() > 0
    assert ra.burden() == rb.burden() == rk.burden()
    assert list(ra.q) == list(rb.q) == list(rk.q)
    assert b.threats == a.threats and b.measures == a.measures
    # refusals name the argument
    with pytest.raises(hsec.BadInput, match="actor given twice"):
        a.add_threat("t2", "natural", {"water": 0.1}, actor="natural")
    with pytest.raises(hsec.BadInput, match="neither an actor"):
        a.add_threat("t3", 3)
    with pytest.raises(hsec.BadInput, match="strength given twice"):
        a.add_measure("m2", "protection", "shield", 0.5, strength=0.5)
    with pytest.raises(hsec.BadInput, match="strength is missing"):
        a.add_measure("m3", "protection", "shield", "military")
    with pytest.raises(hsec.BadInput, match="positional"):
        a.add_measure("m4", "protection", "shield", "military", 0.5, [], [], "extra")
    for s in (a, b, k):
        s.close()
