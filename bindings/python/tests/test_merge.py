"""merge, import_csv and export_csv through the binding: the examples
split and merged back, a conflict raised with the library's message, and
CSV tables read back to the same document."""
import json
import pathlib

import pytest

import hsec

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "energy-cascade.json"


def test_merge_gives_back_the_whole(tmp_path):
    doc = json.loads(EXAMPLE.read_text())
    model = {k: v for k, v in doc.items() if k not in ("threats", "measures", "packages")}
    rest = {"hsec": 1, **{k: doc[k] for k in ("threats", "measures", "packages") if k in doc}}
    (tmp_path / "model.json").write_text(json.dumps(model))
    (tmp_path / "rest.json").write_text(json.dumps(rest))
    hsec.merge([tmp_path / "model.json", tmp_path / "rest.json"], tmp_path / "m.cbor", to="cbor")
    with hsec.load(tmp_path / "m.cbor") as s, hsec.load(EXAMPLE) as whole:
        with s.run() as a, whole.run() as b:
            assert a.to_dict() == b.to_dict()


def test_merge_conflict_names_both_files(tmp_path):
    (tmp_path / "a.json").write_text('{"hsec": 1, "name": "a"}')
    (tmp_path / "b.json").write_text('{"hsec": 1, "name": "b"}')
    with pytest.raises(hsec.BadInput) as err:
        hsec.merge([tmp_path / "a.json", tmp_path / "b.json"], tmp_path / "m.json")
    assert "a.json and" in str(err.value) and "b.json" in str(err.value)
    assert not (tmp_path / "m.json").exists()
    with pytest.raises(TypeError):
        hsec.merge(str(tmp_path / "a.json"), tmp_path / "m.json")


def test_csv_round_trip(tmp_path):
    hsec.export_csv(EXAMPLE, tmp_path / "d")
    files = sorted((tmp_path / "d").glob("*.csv"))
    assert tmp_path / "d" / "groups.csv" in files
    hsec.import_csv(files, tmp_path / "back.json")
    assert json.loads((tmp_path / "back.json").read_text()) == json.loads(EXAMPLE.read_text())


def test_csv_error_names_file_row_and_column(tmp_path):
    (tmp_path / "r.csv").write_text("id\nr\n")
    (tmp_path / "g.csv").write_text("id,region,size\ng,r,lots\n")
    with pytest.raises(hsec.BadInput) as err:
        hsec.import_csv([tmp_path / "r.csv", tmp_path / "g.csv"], tmp_path / "x.json",
                        tables=["regions", "groups"])
    assert 'g.csv: row 2, column 3 (size): "lots" is not a number' in str(err.value)
