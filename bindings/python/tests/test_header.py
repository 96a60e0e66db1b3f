"""The binding's numbers against include/hsec.h: every enumerator of the
enumerations it keeps a table of, both ways, and every #define it uses."""
import ctypes
import pathlib
import re

import pytest

import hsec
from hsec import _constants as K
from hsec import _lib

HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "hsec.h"
SIZE_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1


def _text():
    return re.sub(r"/\*.*?\*/", " ", HEADER.read_text(), flags=re.S)


def enums():
    """{enumeration: [(enumerator, value or None when implicit)]}."""
    out = {}
    for m in re.finditer(r"typedef\s+enum\s+(\w+)\s*\{(.*?)\}\s*\w+\s*;", _text(), re.S):
        items = []
        for item in m.group(2).split(","):
            item = item.strip()
            if item:
                e = re.fullmatch(r"(\w+)(?:\s*=\s*(-?\d+))?", item)
                assert e, f"{m.group(1)}: cannot read {item!r}"
                items.append((e.group(1), None if e.group(2) is None else int(e.group(2))))
        out[m.group(1)] = items
    return out


def number(text):
    """The value of a #define's text: a number, (1u << n) or ((size_t)-1)."""
    t = re.sub(r"\s+", "", text)
    if t == "((size_t)-1)":
        return SIZE_MAX
    m = re.fullmatch(r"\(1u<<(\d+)\)", t)
    if m:
        return 1 << int(m.group(1))
    m = re.fullmatch(r"\(?(-?\d+(?:\.\d+)?)u?\)?", t)
    if not m:
        raise ValueError(f"cannot read {text!r}")
    return float(m.group(1)) if "." in m.group(1) else int(m.group(1))


def defines():
    return {m.group(1): m.group(2)
            for m in re.finditer(r"^#define[ \t]+(HSEC_\w+)[ \t]+(.*\S)", _text(), re.M)}


def test_the_header_is_read():
    e, d = enums(), defines()
    assert len(e) >= 15 and "hsec_error" in e and "hsec_option" in e
    assert number(d["HSEC_DIM_COUNT"]) == 7 and number(d["HSEC_FLAG_MINORITY"]) == 128
    assert number(d["HSEC_NO_INDEX"]) == SIZE_MAX and number(d["HSEC_PERSISTENT"]) == -1.0


def test_every_enumerator_has_an_explicit_value():
    implicit = [f"{enum}.{name}" for enum, items in enums().items()
                for name, value in items if value is None]
    assert implicit == []


@pytest.mark.parametrize("enum", sorted(K.ENUMS))
def test_table_matches_the_header(enum):
    prefix, table = K.ENUMS[enum]
    header = dict(enums()[enum])
    binding = {prefix + name.upper().replace("-", "_"): value for name, value in table.items()}
    assert binding == header


@pytest.mark.parametrize("name", sorted(K.DEFINES))
def test_define_matches_the_header(name):
    assert number(defines()[name]) == K.DEFINES[name]


def test_the_version_accepted_is_the_headers_major():
    d = defines()
    assert number(d["HSEC_VERSION_MAJOR"]) == _lib.VERSION_MAJOR
    assert _lib.SONAME == f"libhsec.so.{_lib.VERSION_MAJOR}"
    assert _lib.accepts(_lib.lib.hsec_version_number())
    assert all(_lib.accepts(v) for v in (10000, 10001, 10100, 19999))
    assert not any(_lib.accepts(v) for v in (0, 100, 9999, 20000, 20100))
    assert hsec.version().split(".")[0] == str(_lib.VERSION_MAJOR)


def test_every_error_code_has_an_exception():
    codes = {value for _, value in enums()["hsec_error"]} - {0}
    assert set(hsec._CLASSES) == codes
    assert all(issubclass(c, hsec.Error) for c in hsec._CLASSES.values())


def test_the_counts_are_the_librarys():
    """The library names as many values of each enumeration as the header
    counts, and keys every run option."""
    d = defines()
    counts = {"dimension": "HSEC_DIM_COUNT", "flag": "HSEC_FLAG_COUNT",
              "service_kind": "HSEC_SERVICE_KIND_COUNT",
              "threat_actor": "HSEC_THREAT_ACTOR_COUNT",
              "measure_kind": "HSEC_MEASURE_KIND_COUNT",
              "measure_actor": "HSEC_MEASURE_ACTOR_COUNT", "effect": "HSEC_EFFECT_COUNT",
              "phase": "HSEC_PHASE_COUNT", "topic": "HSEC_TOPIC_COUNT",
              "branch": "HSEC_BRANCH_COUNT"}
    assert set(counts) == set(K.ENUM)
    for which, count in counts.items():
        assert len(hsec._enum_names(which)) == number(d[count]), which
    assert list(hsec.DIMENSIONS) == hsec._enum_names("dimension")
    options = dict(enums()["hsec_option"])
    assert len(hsec.OPTIONS) == len(options) == number(d["HSEC_OPTION_COUNT"])
    assert sorted(hsec._OPTIONS.values()) == sorted(options.values())
