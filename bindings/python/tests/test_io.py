"""Model.add_io_table: input-output tables from numpy arrays and pandas
DataFrames, against hand computation."""
import math

import numpy as np
import pytest

import hsec

# Z = [10 20 0; 5 0 15; 0 30 40], final demand row sums 70, 80, 50:
# x = 100, 100, 120; column sums 15, 50, 55
Z = np.array([[10.0, 20, 0], [5, 0, 15], [0, 30, 40]])
Y = np.array([[70.0, 0], [90, -10], [40, 10]])
SECTORS = ["agriculture", "manufacturing", "other services"]


def links(m):
    with m.compile() as c:
        rowp, src, w, _ = c.links()
        names = c.node_names()
        return {(names[src[e]], names[i]): w[e]
                for i in range(len(names)) for e in range(rowp[i], rowp[i + 1])}


def test_demand_and_supply_from_numpy():
    with hsec.Model() as m:
        out = m.add_io_table(Z, y=Y, sectors=SECTORS)
        assert [i for i, _ in out] == ["agriculture", "manufacturing", "other_services"]
        assert [b for _, b in out] == pytest.approx([0.7, 0.8, 50 / 120], rel=1e-15)
        w = links(m)
        assert len(w) == 6
        assert w[("manufacturing", "agriculture")] == pytest.approx(0.2, rel=1e-15)
        assert w[("other_services", "other_services")] == pytest.approx(40 / 120, rel=1e-15)
    with hsec.Model() as m:
        out = m.add_io_table(Z, x=[100, 100, 120], sectors=SECTORS, model="supply",
                             region="east", min_weight=0.1)
        assert [b for _, b in out] == pytest.approx([0.85, 0.5, 65 / 120], rel=1e-15)
        w = links(m)
        assert w[("agriculture", "manufacturing")] == pytest.approx(0.2, rel=1e-15)
        assert ("manufacturing", "agriculture") not in w  # 5 / 100 < 0.1


def test_refusals_name_the_labels():
    with hsec.Model() as m:
        bad = Z.copy()
        bad[1, 2] = -2
        with pytest.raises(hsec.BadInput, match="row manufacturing, column other services"):
            m.add_io_table(bad, y=Y, sectors=SECTORS)
        with pytest.raises(hsec.BadInput, match="one of them"):
            m.add_io_table(Z, sectors=SECTORS)
        with pytest.raises(hsec.BadInput, match="not square"):
            m.add_io_table(Z[:2], y=Y, sectors=SECTORS)
        with pytest.raises(hsec.BadInput, match="model"):
            m.add_io_table(Z, y=Y, sectors=SECTORS, model="sideways")
        with m.compile() as c:
            assert c.node_count == 0  # nothing was added


def test_pandas_multiindex():
    pd = pytest.importorskip("pandas")
    idx = pd.MultiIndex.from_tuples([("reg1", "food"), ("reg1", "mining"), ("reg 2", "food")],
                                    names=["region", "sector"])
    z = pd.DataFrame(Z, index=idx, columns=idx)
    y = pd.DataFrame(Y, index=idx, columns=["households", "inventories"])
    with hsec.Model() as m:
        out = m.add_io_table(z, y=y)
        assert [i for i, _ in out] == ["reg1:food", "reg1:mining", "reg_2:food"]
        with m.compile() as c:
            regions = c.regions()
            assert regions["id"] == ["reg1", "reg_2"]
            assert regions["label"] == ["reg1", "reg 2"]
        w = links(m)
        assert w[("reg1:mining", "reg1:food")] == pytest.approx(0.2, rel=1e-15)
    with hsec.Model() as m:
        with pytest.raises(hsec.BadInput, match="index"):
            m.add_io_table(z, y=y.iloc[::-1])


def test_dropped_sector():
    z = np.zeros((3, 3))
    z[0, 2] = 1
    with hsec.Model() as m:
        out = m.add_io_table(z, y=[1, 0, 1], sectors=["a", "idle", "b"])
        assert out[1][0] is None and math.isnan(out[1][1])
