"""The HTML report through the binding."""
import pathlib

import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EC = ROOT / "examples" / "energy-cascade.json"


def test_report_html():
    with hsec.load(str(EC)) as s:
        page = s.report_html(title="Energy <cascade>")
        assert page.startswith("<!DOCTYPE html>")
        assert "<title>Energy &lt;cascade&gt;</title>" in page
        assert 'id="cascade"' in page and 'id="comparison"' in page
        assert 'id="ensemble"' not in page
        assert "<script" not in page
        baseline = s.report_html(package="none", ensemble=5)
        assert "none (the no-measure baseline)" in baseline
        assert 'id="ensemble"' in baseline
        # the scenario itself is not changed: a run records what it did
        assert s.run().to_dict()["nodes"]["east_grid"]["series"]


def test_report_html_bad_input():
    with hsec.load(str(EC)) as s:
        with pytest.raises(hsec.BadInput):
            s.report_html(measures=["no_such_measure"])
        with pytest.raises(hsec.BadInput):
            s.report_html(ensemble=-1)
        with pytest.raises(hsec.BadInput, match="ensemble_members"):
            s.report_html(ensemble=2_000_000_000)
