"""hsec: human security analysis, a thin Python binding of libhsec.

Every number comes from the C library; this module only converts. Handles
are freed by close(), by a with block, or by the garbage collector. The GIL
is released while the library works (ctypes.CDLL calls release it).

Threads: every handle (Model, Compiled, Scenario, Results) has a lock, and
each call on it holds that lock, so calls on one handle from several
threads run one after the other and calls on different handles run at
once. close() waits for a call running on the handle in another thread;
from inside a call on it (its progress callback) it raises Busy, as does
any other use of the handle there. Results keep their scenario: a scenario
closed while results of it are open is freed when the last of them is
closed. Arrays handed out are numpy copies, valid after close().
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import math
import os
import threading
import weakref

from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple,
                    Union)

import numpy as np

from . import _constants as K
from ._constants import AF_COUNT, BAND_COUNT, FREEDOM_COUNT, ORDER_COUNT
from ._constants import SEARCH_CHECK_MAX, SEARCH_EXACT_MAX
from ._lib import PROGRESS, c_double_p, c_size_p, c_uint64_p, lib, vp
from ._lib import IO_TABLE_VERSION as _IO_TABLE_VERSION
from ._lib import IoTable as _IoTable

__all__ = ["Error", "BadInput", "NoConvergence", "OutOfMemory", "FileError", "Canceled",
           "Closed", "Busy", "Model", "Compiled", "Scenario", "Results", "Ensemble", "load",
           "version", "__version__", "DIMENSIONS", "BANDS", "BURDEN_PARTS", "OPTIONS",
           "option_bounds", "option_default", "option_whole", "rank_order", "ORDER_COUNT",
           "BAND_COUNT",
           "FREEDOM_COUNT", "AF_COUNT", "SEARCH_EXACT_MAX", "SEARCH_CHECK_MAX", "merge",
           "import_csv", "export_csv", "convert", "read_document", "report_html_file",
           "write_file", "phase_of", "nearest", "weight_from_score", "weight_from_scale",
           "recovery_rate", "optimize_merge", "library_path"]

# Type aliases of the annotations.
PathLike = Union[str, bytes, "os.PathLike[str]"]  # a file's path
Name = Union[str, int]  # an id or a name, or an index
Measures = Optional[Union[str, Iterable[str]]]  # measure ids (None: every measure)
ArrayLike = Any  # what numpy.asarray takes

#: The seven dimensions of human security (UNDP 1994), in the library's order.
DIMENSIONS = tuple(sorted(K.DIMENSION, key=K.DIMENSION.get))
#: The time bands of a dynamic run's burden, as the results document names them.
BANDS = ("short", "medium", "long")


class Error(Exception):
    """An hsec failure: .code is the library's code, .message its message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class BadInput(Error, ValueError):
    """A bad value, name or document (EINVAL, ENOTFOUND, EEXIST, EFORMAT), or
    one asking for more than a limit set allows (ELIMIT)."""


class NoConvergence(Error):
    """A linear run whose spectral radius is not below 1."""


class OutOfMemory(Error, MemoryError):
    """An allocation failed (ENOMEM); the handle stays usable."""


class FileError(Error, OSError):
    """A file could not be read or written (EIO)."""


class Canceled(Error):
    """A progress callback returned true, or raised (the exception is the
    Canceled's __cause__)."""


class Closed(Error):
    """A handle used after close()."""

    def __init__(self, what):
        super().__init__(0, f"{what} is closed")


class Busy(Error):
    """A handle used or closed from inside a call on it, in its progress
    callback: the call holds the handle until it returns."""

    def __init__(self, what, verb="used"):
        super().__init__(K.ERROR["estate"], f"{what} cannot be {verb} from inside a call on it "
                         "(its progress callback); the call holds it until it returns")


_E = K.ERROR
_CLASSES = {_E["einval"]: BadInput, _E["enomem"]: OutOfMemory, _E["enotfound"]: BadInput,
            _E["eexist"]: BadInput, _E["enoconv"]: NoConvergence, _E["eio"]: FileError,
            _E["eformat"]: BadInput, _E["estate"]: Error, _E["ecanceled"]: Canceled,
            _E["elimit"]: BadInput}


def _raise(rc, message):
    text = message or lib.hsec_strerror(rc).decode()
    raise _CLASSES.get(rc, Error)(rc, text)


def _last_errmsg():
    return lib.hsec_last_errmsg().decode(errors="replace")


def _check(rc, errmsg=_last_errmsg):
    """Raise for a failed call. errmsg reads the message: the handle's for a
    call on a model, scenario or loader; by default the thread's last one,
    for calls without a handle or on a read-only one (a compiled model, a
    scenario read through a const pointer, a result)."""
    if rc != 0:
        _raise(rc, errmsg())


def version() -> str:
    """The version of the libhsec loaded ("1.4.0"), which is the package's."""
    return lib.hsec_version_string().decode()


__version__ = version()


def _b(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value.encode()


def _bn(value, what):
    return None if value is None else _b(value, what)


def _f(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    return float(value)


def _pick(table, what, name):
    """The value of a name in one of the binding's tables."""
    try:
        return table[name]
    except (KeyError, TypeError):
        raise BadInput(_E["einval"], f"{what} {name!r} is not one of "
                       f"{', '.join(table)}") from None


def _enum_names(which):
    names = []
    while True:
        n = lib.hsec_enum_name(K.ENUM[which], len(names))
        if not n:
            return names
        names.append(n.decode())


def _enum(which, name):
    v = ctypes.c_int()
    if lib.hsec_enum_value(ctypes.byref(v), K.ENUM[which], _b(name, which)) != 0:
        raise BadInput(_E["einval"], f"{which} {name!r} is not one of "
                       f"{', '.join(_enum_names(which))}")
    return v.value


def _enum_name(which, value):
    n = lib.hsec_enum_name(K.ENUM[which], value)
    return n.decode() if n else None


def _topic_bits(topics):
    """Topic names (a list, or one name) as the library's bits."""
    if isinstance(topics, str):
        topics = [topics]
    bits = 0
    for t in topics:
        bits |= 1 << _enum("topic", t)
    return bits


def _topic_names(bits):
    return [_enum_name("topic", k) for k in range(K.TOPIC_COUNT) if bits >> k & 1]


# The burden parts by the keys of the results document's "burden" (plural)
# as well as by the library's names (singular).
_BURDEN_PLURAL = {"bands": "band", "orders": "order", "threats": "threat", "actors": "actor",
                  "regions": "region", "groups": "group", "topics": "topic", "flags": "flag"}
#: The names Results.burden and Ensemble.values take for a part of the burden.
BURDEN_PARTS = tuple(K.BURDEN) + tuple(_BURDEN_PLURAL)


def _burden_part(part):
    """(singular name, the library's value) of a burden part."""
    name = _BURDEN_PLURAL.get(part, part) if isinstance(part, str) else part
    if name not in K.BURDEN:
        raise BadInput(_E["einval"], f"burden part {part!r} is not one of "
                       f"{', '.join(BURDEN_PARTS)}")
    return name, K.BURDEN[name]


def _part_index(part, index, ids=None):
    """A burden part's index from a number or a name: a band ("short",
    "medium", "long"), an actor, a topic ("none": the threats without a
    topic), a flag ("population": everyone), or through ids(part) a
    threat's, region's or group's id."""
    if isinstance(index, str):
        if part == "topic":
            return K.TOPIC_COUNT if index == "none" else _enum("topic", index)
        if part in ("flag", "flag_propagated"):
            return K.FLAG_COUNT if index == "population" else _enum("flag", index)
        if part == "actor":
            return _enum("threat_actor", index)
        if part == "band":
            return _index(index, list(BANDS), "band")
        if part in ("threat", "region", "group") and ids is not None:
            return _index(index, ids(part), part)
        raise BadInput(_E["einval"], f"burden part {part!r} takes a number as its index, "
                       f"not {index!r}")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise BadInput(_E["einval"], f"index {index!r} of burden part {part!r} is not a "
                       "name or a whole number >= 0")
    return int(index)


def _index(which, ids, what):
    """An index from an id or an index."""
    if isinstance(which, str):
        try:
            return ids.index(which)
        except ValueError:
            raise BadInput(_E["enotfound"], f"no {what} {which!r}") from None
    if isinstance(which, bool) or not isinstance(which, (int, np.integer)):
        raise TypeError(f"{what} must be an id or an index, not {type(which).__name__}")
    return int(which)


def _region(index):
    return None if index == K.NO_INDEX else index


def _run_options():
    """The run options by their place in a scenario document, as the library
    names them (hsec_option_key)."""
    keys = {}
    while True:
        key = lib.hsec_option_key(len(keys))
        if key is None:
            return keys
        keys[key.decode()] = len(keys)


_OPTIONS = _run_options()
OPTIONS = tuple(_OPTIONS)


def _option(name):
    """An option by its document key ("run.steps", "run.bands[0]",
    "uncertainty.members"); "run." may be left out."""
    if isinstance(name, str):
        if name in _OPTIONS:
            return _OPTIONS[name]
        if "run." + name in _OPTIONS:
            return _OPTIONS["run." + name]
    raise BadInput(_E["einval"], f"option {name!r} is not one of {', '.join(_OPTIONS)}")


def option_bounds(name: str) -> Tuple[float, float]:
    """The inclusive range (low, high) of a run option."""
    lo, hi = ctypes.c_double(), ctypes.c_double()
    _check(lib.hsec_option_bounds(ctypes.byref(lo), ctypes.byref(hi), _option(name)))
    return lo.value, hi.value


def option_default(name: str) -> float:
    """The value a run option has until it is set."""
    x = ctypes.c_double()
    _check(lib.hsec_option_default(ctypes.byref(x), _option(name)))
    return x.value


def option_whole(name: str) -> bool:
    """Whether a run option takes whole numbers only."""
    x = ctypes.c_int()
    _check(lib.hsec_option_whole(ctypes.byref(x), _option(name)))
    return bool(x.value)


def _whole(value, what):
    """A whole number >= 0 for a limit or a count."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0
            or value >= 1 << 64):
        raise BadInput(_E["einval"], f"{what} {value!r} is not a whole number from 0 to "
                       "2**64 - 1")
    return int(value)


def _doubles(values, what):
    a = np.ascontiguousarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise BadInput(_E["einval"], f"{what} must be one-dimensional")
    return a


def rank_order(marginal: ArrayLike) -> np.ndarray:
    """The node indices by decreasing marginal burden (Scenario.rank()),
    ties to the lower index, NaN last: the order of a ranking."""
    u = _doubles(marginal, "marginal")
    order = np.zeros(len(u), dtype=np.uintp)
    _check(lib.hsec_rank_order(order.ctypes.data_as(c_size_p), u.ctypes.data_as(c_double_p),
                               len(u)))
    return order.astype(np.intp)


def phase_of(y: float) -> str:
    """The insecurity phase of a reported value y: "minimal" (< 0.2, NaN
    too), "stressed", "crisis", "emergency" or "catastrophe" (>= 0.8)."""
    return _enum_name("phase", lib.hsec_phase_of(_f(y, "y")))


def library_path() -> str:
    """The file libhsec was loaded from: HSEC_LIBRARY when set, else the copy
    the package bundles (pip install ./bindings/python), else pkg-config's
    libdir, else the system's library path (then just its soname)."""
    from . import _lib
    return _lib.LOADED_FROM


def nearest(name: str, candidates: Iterable[str]) -> Optional[str]:
    """"Did you mean": the candidate nearest to name by edit distance when it
    is near enough (the library's rule), else None."""
    cands = [_b(c, "candidate") for c in candidates]
    arr = (ctypes.c_char_p * max(len(cands), 1))(*cands)
    out = lib.hsec_nearest(_b(name, "name"), arr, len(cands))
    return None if out is None else out.decode()


def _out_double(call, *args):
    x = ctypes.c_double()
    _check(call(ctypes.byref(x), *args))
    return x.value


def weight_from_score(score: float, alpha: float, beta: float) -> float:
    """A link weight from an ordinal consequence score C: alpha * C**beta,
    refused (BadInput) unless it lies in [0, 1]."""
    return _out_double(lib.hsec_weight_from_score, _f(score, "score"), _f(alpha, "alpha"),
                       _f(beta, "beta"))


def weight_from_scale(score: float, points: int = 5) -> float:
    """A link weight from a score on the published 5-point (alpha 0.008,
    beta 2.5693) or 4-point (alpha 0.01, beta 2.8219) scale."""
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)):
        raise BadInput(_E["einval"], f"points {points!r} is not 4 or 5")
    return _out_double(lib.hsec_weight_from_scale, _f(score, "score"), int(points))


def recovery_rate(tau: float, recovery_lambda: float = 0.01,
                  self_weight: float = 0.0) -> float:
    """The recovery rate of a recovery time tau (steps to fall to the
    fraction recovery_lambda of a disturbance), given the node's self-link
    weight: min(1, -ln(lambda) / (tau (1 - a_ii)))."""
    return _out_double(lib.hsec_recovery_rate, _f(tau, "tau"),
                       _f(recovery_lambda, "recovery_lambda"), _f(self_weight, "self_weight"))


def _take_string(call):
    """The text a library call allocates (char **, size_t *), freed."""
    text = ctypes.c_void_p()
    size = ctypes.c_size_t()
    _check(call(ctypes.byref(text), ctypes.byref(size)))
    try:
        return ctypes.string_at(text, size.value).decode("utf-8")
    finally:
        lib.hsec_free_string(text)


def _json(call):
    return json.loads(_take_string(call))


def write_file(path: PathLike, data: Union[bytes, str]) -> None:
    """Write bytes (or a str, as UTF-8) to path as the library saves its
    documents: atomically, a replaced file keeping its permissions, a
    symbolic link kept and the file it names replaced."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    _check(lib.hsec_write_file(os.fsencode(path), data, len(data)))


def optimize_merge(ranges: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """The best of several Scenario.optimize_range() results (in any
    order, None subsets skipped): a dict of "subset" (None when no range
    had a subset within the budget), "burden" and "cost", as one search
    over their union gives (doc/distributed.md)."""
    ranges = list(ranges)
    n = len(ranges)
    subsets = np.array([K.SUBSET_NONE if r["subset"] is None else r["subset"] for r in ranges],
                       dtype=np.uint64)
    burdens = np.array([r["burden"] for r in ranges], dtype=np.float64)
    costs = np.array([r["cost"] for r in ranges], dtype=np.float64)
    sub, burden, cost = ctypes.c_uint64(), ctypes.c_double(), ctypes.c_double()
    _check(lib.hsec_optimize_merge(ctypes.byref(sub), ctypes.byref(burden), ctypes.byref(cost),
                                   subsets.ctypes.data_as(c_uint64_p),
                                   burdens.ctypes.data_as(c_double_p),
                                   costs.ctypes.data_as(c_double_p), n))
    return {"subset": None if sub.value == K.SUBSET_NONE else sub.value,
            "burden": burden.value, "cost": cost.value}


def _pandas(what):
    """pandas, imported when a table is asked for: it is optional."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError(f"{what} needs pandas, which is not installed "
                          "(pip install pandas)") from e
    return pandas


# Per thread: the handles whose progress callback the thread is running.
_in_callback = threading.local()


class _Handle:
    """A C handle and the lock that serialises the calls on it.

    Public methods take the lock (@_locked or `with self._call()`); the
    private helpers they call expect it held and read the pointer as
    self._p. _owner is the thread inside a call, so that a use of the handle
    from that call's own callback, on the same thread, is refused (Busy)
    rather than waiting for ever on the lock it holds. The progress callback
    of the calls bound here runs on the calling thread.

    Lock order, where a call takes two: a scenario's before its results'
    (Results.to_dict; a progress callback reading results), and a
    scenario's count of open results last of all.
    """

    _kind = "handle"

    def __init__(self, ptr, free):
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)
        self._lock = threading.Lock()
        self._owner = None
        self._closed = False

    def _busy(self):
        """Whether this thread is inside a call on the handle: the call's own
        thread, or a thread running the call's progress callback (an
        ensemble's workers call it)."""
        return (self._owner == threading.get_ident()
                or any(h is self for h in getattr(_in_callback, "handles", ())))

    @contextlib.contextmanager
    def _call(self, closed_ok=False):
        """Hold the handle for a call. closed_ok: a closed handle whose C
        handle is kept for its dependants (a scenario for its results)."""
        if self._busy():
            raise Busy(self._kind)
        with self._lock:
            if self._ptr is None or (self._closed and not closed_ok):
                raise Closed(self._kind)
            self._owner = threading.get_ident()
            try:
                yield self._ptr
            finally:
                self._owner = None

    @property
    def _p(self):
        if self._ptr is None:
            raise Closed(self._kind)
        return self._ptr

    def _free(self):
        """Free the C handle; the lock is held (or nothing can call any more)."""
        self._finalizer()
        self._ptr = None

    def _release(self):
        """What close() does with the lock held: free the C handle."""
        self._free()

    def close(self) -> None:
        """Free the handle now (the garbage collector would, later). Waits
        for a call running on it in another thread; raises Busy from inside
        a call on it (its progress callback). Closing twice does nothing."""
        if self._busy():
            raise Busy(self._kind, "closed")
        with self._lock:
            if not self._closed:
                self._closed = True
                self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _locked(method):
    """A public method that holds its handle's lock while it runs."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with self._call():
            return method(self, *args, **kwargs)
    return call


class Model(_Handle):
    """A model builder, mirroring hsec_model_*."""

    _kind = "model"

    def __init__(self):
        p = vp()
        _check(lib.hsec_model_new(ctypes.byref(p), None))
        super().__init__(p.value, lib.hsec_model_free)

    def _do(self, rc):
        _check(rc, lambda: lib.hsec_model_errmsg(self._p).decode())
        return self

    @_locked
    def add_region(self, id: str, parent: Optional[str] = None,
                   label: Optional[str] = None) -> "Model":
        """A region; label: free text for display (never used to resolve names)."""
        self._do(lib.hsec_model_add_region(self._p, _b(id, "id"), _bn(parent, "parent")))
        if label is not None:
            self._do(lib.hsec_model_set_label(self._p, id.encode(), _b(label, "label")))
        return self

    @_locked
    def set_label(self, id: str, label: Optional[str]) -> "Model":
        """Label a region or service added before (None removes the label)."""
        return self._do(lib.hsec_model_set_label(self._p, _b(id, "id"), _bn(label, "label")))

    @_locked
    def add_group(self, id: str, region: str, size: float, flags: Iterable[str] = (),
                  **params: Any) -> "Model":
        """A group; params are per-node parameters (vulnerability=1.5, or
        vulnerability={"health": 1.5}, recovery=..., onset=..., onset_time=...,
        weights=..., baseline=...)."""
        self._do(lib.hsec_model_add_group(self._p, _b(id, "id"), _b(region, "region"),
                                          _f(size, "size")))
        if flags:
            bits = 0
            for fl in flags:
                bits |= 1 << _enum("flag", fl)
            self._do(lib.hsec_model_set_group_flags(self._p, id.encode(), bits))
        for key, value in params.items():
            param = "weight" if key == "weights" else key
            if key == "weights":
                self._set(id, "weight", 0)
            if isinstance(value, dict):
                for dim, x in value.items():
                    self._set(f"{id}.{dim}", param, x)
            else:
                self._set(id, param, value)
        return self

    @_locked
    def add_service(self, id: str, kind: str, region: Optional[str] = None,
                    label: Optional[str] = None, **params: float) -> "Model":
        """A service of a kind ("energy", ..., "economic_sector"), national
        when region is None; label: free text for display; params: per-node
        parameters (recovery=..., onset_time=..., initial=...)."""
        self._do(lib.hsec_model_add_service(self._p, _b(id, "id"), _enum("service_kind", kind),
                                            _bn(region, "region")))
        if label is not None:
            self._do(lib.hsec_model_set_label(self._p, id.encode(), _b(label, "label")))
        for key, value in params.items():
            self._set(id, key, value)
        return self

    @_locked
    def set(self, name: str, param: str, value: float) -> "Model":
        """Set a parameter ("vulnerability", "recovery", "recovery_time",
        "weight", "baseline", "initial", "onset", "onset_time") of one node
        ("grid", "elderly.health") or of all seven nodes of a group."""
        return self._set(name, param, value)

    def _set(self, name, param, value):
        return self._do(lib.hsec_model_set(self._p, _b(name, "name"),
                                           _pick(K.PARAM, "parameter", param), _f(value, param)))

    @_locked
    def add_link(self, frm: str, to: str, weight: float, lag: float = 0) -> "Model":
        """A dependency link frm -> to: one unit of degradation at frm causes
        `weight` (in [0, 1]) units at `to`, `lag` (whole, >= 0) steps later.
        Names that are no node are found by compile()."""
        return self._do(lib.hsec_model_add_link(self._p, _b(frm, "from"), _b(to, "to"),
                                                _f(weight, "weight"), _f(lag, "lag")))

    @_locked
    def add_links(self, frm: Sequence[str], to: Sequence[str], weight: ArrayLike,
                  lag: Optional[ArrayLike] = None) -> "Model":
        """Links in bulk: link i joins frm[i] -> to[i] with weight[i] and
        lag[i] (None: every lag 0); sequences of equal length (numpy arrays
        or pandas columns too). Checked as add_link checks one; the first
        that fails is named by its index, and then none is added."""
        # the ends as indices into a table of names, each name once
        # (hsec_model_add_links_indexed): columns of numbers, not strings
        table = {}
        ends = []
        for what, names in (("frm", frm), ("to", to)):
            idx = []
            for i, v in enumerate(names):
                idx.append(table.setdefault(_b(v, f"{what}[{i}]"), len(table)))
            ends.append(np.array(idx, dtype=np.uint32))
        src, dst = ends
        w = _doubles(weight, "weight")
        n = len(src)
        lags = None if lag is None else _doubles(lag, "lag")
        if len(dst) != n or len(w) != n or (lags is not None and len(lags) != n):
            raise BadInput(_E["einval"], f"add_links: {n} frm, {len(dst)} to, {len(w)} "
                           f"weight{'' if lags is None else f', {len(lags)} lag'} values: "
                           "the lengths differ")
        names = (ctypes.c_char_p * max(len(table), 1))(*table)
        u32 = ctypes.POINTER(ctypes.c_uint32)
        return self._do(lib.hsec_model_add_links_indexed(
            self._p, names, len(table), src.ctypes.data_as(u32), dst.ctypes.data_as(u32),
            w.ctypes.data_as(c_double_p),
            None if lags is None else lags.ctypes.data_as(c_double_p), n))

    @_locked
    def use_template(self, name: str) -> "Model":
        """Apply a default coupling template at compile: "dimensions" (links
        between the seven dimensions inside each group) or "services" (from
        each service to the dimensions of the groups it serves)."""
        return self._do(lib.hsec_model_use_template(self._p, _b(name, "template")))

    @_locked
    def set_limit(self, what: str, value: int) -> "Model":
        """Limit what compile() accepts: "nodes", "links" (written and from
        templates) or "memory" (bytes of the compiled model); a whole
        number > 0."""
        return self._do(lib.hsec_model_set_limit(self._p, _pick(K.LIMIT, "limit", what),
                                                 _whole(value, what)))

    @_locked
    def limit(self, what: str) -> Optional[int]:
        """A limit set by set_limit ("nodes", "links", "memory"); None when
        it is not set."""
        x = ctypes.c_uint64()
        self._do(lib.hsec_model_get_limit(ctypes.byref(x), self._p,
                                          _pick(K.LIMIT, "limit", what)))
        return None if x.value == K.SUBSET_NONE else x.value

    @_locked
    def add_io_table(self, z: Any, y: Any = None, x: Any = None,
                     sectors: Optional[Sequence[Any]] = None,
                     regions: Optional[Sequence[Any]] = None, region: Optional[str] = None,
                     model: str = "demand",
                     min_weight: float = 0.0) -> List[Tuple[Optional[str], float]]:
        """Add an input-output table's economy (hsec_model_add_io_table): a
        service of kind economic_sector per sector and a link per technical
        coefficient >= min_weight. z: the n x n flows (z[i][j]: sales of
        sector i to sector j), a numpy array, nested lists or a pandas
        DataFrame; y: final demand (n x k, or n values) or x: total output
        (n values), one of them. A DataFrame's or Series' index gives the
        labels (a MultiIndex: region, then sector) unless sectors (and
        regions) are given; z's columns must list its index. model:
        "demand" (Santos & Haimes 2004) or "supply" (Leung, Haimes & Santos
        2007); region: a single-region table's region id.

        Returns, per sector in order, (id, base): the service's id (None
        for a sector dropped for having no flows and no final demand) and
        the base of a shock on it, so that cutting a fraction f of the
        sector's final demand (demand) or primary inputs (supply) is a
        threat target of magnitude f * base."""
        if (y is None) == (x is None):
            raise BadInput(_E["einval"], "add_io_table: give y (final demand) or x (total "
                           "output), one of them")
        index = getattr(z, "index", None)
        columns = getattr(z, "columns", None)
        if index is not None and columns is not None:
            if list(index) != list(columns):
                raise BadInput(_E["einval"], "add_io_table: z's columns are not its index "
                               "(the same sectors in the same order)")
            for other, what in ((y, "y"), (x, "x")):
                oi = getattr(other, "index", None)
                if oi is not None and list(oi) != list(index):
                    raise BadInput(_E["einval"], f"add_io_table: {what}'s index is not z's")
            if sectors is None:
                if getattr(index, "nlevels", 1) > 1:
                    sectors = [str(t[-1]) for t in index]
                    if regions is None:
                        regions = [str(t[0]) for t in index]
                else:
                    sectors = [str(v) for v in index]
        Z = np.ascontiguousarray(z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
            raise BadInput(_E["einval"], f"add_io_table: z of shape {Z.shape} is not square")
        n = Z.shape[0]
        if sectors is None:
            raise BadInput(_E["einval"], "add_io_table: sectors are needed (or a DataFrame z)")
        labels = [str(v).encode() for v in sectors]
        if len(labels) != n or (regions is not None and len(regions) != n):
            raise BadInput(_E["einval"], f"add_io_table: {n} sectors in z, but "
                           f"{len(labels)} sector and "
                           f"{'no' if regions is None else len(regions)} region labels")
        t = _IoTable()
        t.version = _IO_TABLE_VERSION
        t.n = n
        t.z = Z.ctypes.data_as(c_double_p)
        keep = [Z]
        if y is not None:
            Y = np.ascontiguousarray(y, dtype=np.float64)
            if Y.ndim == 1:
                Y = Y.reshape(-1, 1)
            if Y.ndim != 2 or Y.shape[0] != n or Y.shape[1] == 0:
                raise BadInput(_E["einval"], f"add_io_table: y of shape {Y.shape} is not "
                               f"{n} x k")
            t.y = Y.ctypes.data_as(c_double_p)
            t.k = Y.shape[1]
            keep.append(Y)
        else:
            X = np.ascontiguousarray(x, dtype=np.float64).reshape(-1)
            if X.shape[0] != n:
                raise BadInput(_E["einval"], f"add_io_table: x has {X.shape[0]} values, not {n}")
            t.x = X.ctypes.data_as(c_double_p)
            keep.append(X)
        sec = (ctypes.c_char_p * max(n, 1))(*labels)
        t.sectors = ctypes.cast(sec, ctypes.POINTER(ctypes.c_char_p))
        if regions is not None:
            reg = (ctypes.c_char_p * max(n, 1))(*[str(v).encode() for v in regions])
            t.regions = ctypes.cast(reg, ctypes.POINTER(ctypes.c_char_p))
        t.region = _bn(region, "region")
        t.model = _pick({"demand": 0, "supply": 1}, "model", model)
        t.min_weight = _f(min_weight, "min_weight")
        ids = (ctypes.c_char_p * max(n, 1))()
        base = np.zeros(n, dtype=np.float64)
        self._do(lib.hsec_model_add_io_table(ids, base.ctypes.data_as(c_double_p), n,
                                             self._p, ctypes.byref(t)))
        del keep
        return [(None if ids[i] is None else ids[i].decode(), float(base[i]))
                for i in range(n)]

    @_locked
    def compile(self) -> "Compiled":
        """Check the whole model and compile it: a Compiled, immutable and
        shareable between threads. The builder is unchanged and may be
        compiled again."""
        p = vp()
        self._do(lib.hsec_model_compile(ctypes.byref(p), self._p))
        return Compiled(p.value)


def _find_node(c, name):
    i = ctypes.c_size_t()
    _check(lib.hsec_compiled_find_node(ctypes.byref(i), c, _b(name, "node")))
    return i.value


class _ModelView:
    """What a compiled model tells of itself; self._c is its pointer."""

    @property
    @_locked
    def node_count(self) -> int:
        """How many nodes the model has: its services and seven per group."""
        return lib.hsec_compiled_node_count(self._c)

    @_locked
    def node_names(self) -> List[str]:
        """Every node's name ("grid", "elderly.health"), in node order."""
        c = self._c
        return [lib.hsec_compiled_node_name(c, i).decode()
                for i in range(lib.hsec_compiled_node_count(c))]

    @_locked
    def node(self, name: str) -> int:
        """The index of a node ("grid", "elderly.health")."""
        return self._node(name)

    def _node(self, name):
        return _find_node(self._c, name)

    @_locked
    def select(self, kind: Optional[str] = None, region: Optional[str] = None) -> np.ndarray:
        """The indices of the nodes hsec rank --kind and --region keep (numpy
        array, ascending): kind "services", "groups" (every node of every
        group), a service kind ("energy", ...) or a dimension ("health",
        ...: that node of every group); region: the nodes in that region or
        one below it (national services left out). None: no narrowing."""
        return np.flatnonzero(self._select(kind, region))

    def _select(self, kind, region):
        c = self._c
        n = lib.hsec_compiled_node_count(c)
        if kind is None and region is None:
            return np.ones(n, dtype=bool)
        kinds = ["services", "groups"] + _enum_names("service_kind") + _enum_names("dimension")
        if kind is not None and kind not in kinds:
            near = nearest(kind, kinds) if isinstance(kind, str) else None
            raise BadInput(_E["einval"], f"kind {kind!r} is not services, groups, a service "
                           "kind (energy, water, ...) or a dimension (economic, food, ...)"
                           + (f"; did you mean {near!r}?" if near else ""))
        nr = lib.hsec_compiled_region_count(c)
        reg_ids = [lib.hsec_compiled_region_id(c, r).decode() for r in range(nr)]
        anc = None if region is None else _index(_b(region, "region").decode(), reg_ids,
                                                 "region")
        parent = []
        for r in range(nr):
            p = ctypes.c_size_t()
            _check(lib.hsec_compiled_region_parent(ctypes.byref(p), c, r))
            parent.append(_region(p.value))

        def within(r):
            hops = 0
            while r is not None and hops <= nr:
                if r == anc:
                    return True
                r, hops = parent[r], hops + 1
            return False

        keep = np.zeros(n, dtype=bool)
        skind = kind if kind in _enum_names("service_kind") else None
        dim = DIMENSIONS.index(kind) if kind in DIMENSIONS else None
        for i in range(lib.hsec_compiled_service_count(c)):
            sk, reg, node = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_size_t()
            _check(lib.hsec_compiled_service(ctypes.byref(sk), ctypes.byref(reg),
                                             ctypes.byref(node), c, i))
            ok = kind is None or kind == "services" or (
                skind is not None and _enum_name("service_kind", sk.value) == skind)
            keep[node.value] = ok and (anc is None or within(_region(reg.value)))
        for g in range(lib.hsec_compiled_group_count(c)):
            here = anc is None or within(lib.hsec_compiled_group_region(c, g))
            first = lib.hsec_compiled_group_node(c, g)
            for d in range(len(DIMENSIONS)):
                keep[first + d] = here and (kind is None or kind == "groups" or d == dim)
        return keep

    @_locked
    def links(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The links in compressed sparse rows by target: (rowp, sources,
        weights, lags) as numpy arrays; the links into node i are
        rowp[i]:rowp[i+1]. scipy.sparse.csr_matrix((weights, sources, rowp))
        is the matrix of raw weights."""
        c = self._c
        n, nnz = lib.hsec_compiled_node_count(c), lib.hsec_compiled_link_count(c)
        rowp = np.zeros(n + 1, dtype=np.uintp)
        src = np.zeros(nnz, dtype=np.uintp)
        w = np.zeros(nnz)
        lag = np.zeros(nnz, dtype=np.uint64)
        _check(lib.hsec_compiled_links(rowp.ctypes.data_as(c_size_p), src.ctypes.data_as(c_size_p),
                                       w.ctypes.data_as(c_double_p),
                                       lag.ctypes.data_as(c_uint64_p), nnz, c))
        return rowp, src, w, lag

    @_locked
    def regions(self) -> Dict[str, List[Any]]:
        """The regions: a dict of "id", "parent" (the parent's index, None
        for a top region) and "label" (None when it has none), lists in
        region order."""
        c = self._c
        ids, parents, labels = [], [], []
        for r in range(lib.hsec_compiled_region_count(c)):
            ids.append(lib.hsec_compiled_region_id(c, r).decode())
            parent = ctypes.c_size_t()
            _check(lib.hsec_compiled_region_parent(ctypes.byref(parent), c, r))
            parents.append(_region(parent.value))
            label = lib.hsec_compiled_region_label(c, r)
            labels.append(label.decode() if label is not None else None)
        return {"id": ids, "parent": parents, "label": labels}

    @_locked
    def groups(self) -> Dict[str, Any]:
        """The groups: a dict of "id", "region" (its index), "node" (the first
        of its seven nodes), "size", "flags" (a tuple of flag names each),
        "weight" (groups x 7 normalised vital-core weights) and "baseline"
        (groups x 7), lists and numpy arrays in group order."""
        c = self._c
        g = lib.hsec_compiled_group_count(c)
        d = len(DIMENSIONS)
        flags = []
        for i in range(g):
            bits = ctypes.c_uint()
            _check(lib.hsec_compiled_group_flags(ctypes.byref(bits), c, i))
            flags.append(tuple(_enum_name("flag", b) for b in range(bits.value.bit_length())
                               if bits.value >> b & 1))
        return {
            "id": [lib.hsec_compiled_group_id(c, i).decode() for i in range(g)],
            "region": [lib.hsec_compiled_group_region(c, i) for i in range(g)],
            "node": np.array([lib.hsec_compiled_group_node(c, i) for i in range(g)], dtype=np.intp),
            "size": np.array([lib.hsec_compiled_group_size(c, i) for i in range(g)]),
            "flags": flags,
            "weight": np.array([[lib.hsec_compiled_group_weight(c, i, k) for k in range(d)]
                                for i in range(g)]).reshape(g, d),
            "baseline": np.array([[lib.hsec_compiled_group_baseline(c, i, k) for k in range(d)]
                                  for i in range(g)]).reshape(g, d),
        }

    @_locked
    def services(self) -> Dict[str, Any]:
        """The services in the order they were added: a dict of "id", "kind"
        (its document name), "region" (its index, None for a national
        service), "label" (None when it has none) and "node" (numpy array)."""
        c = self._c
        n = lib.hsec_compiled_service_count(c)
        out = {"id": [], "kind": [], "region": [], "label": [],
               "node": np.zeros(n, dtype=np.intp)}
        for i in range(n):
            kind, region, node = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_size_t()
            _check(lib.hsec_compiled_service(ctypes.byref(kind), ctypes.byref(region),
                                             ctypes.byref(node), c, i))
            out["id"].append(lib.hsec_compiled_service_id(c, i).decode())
            out["kind"].append(_enum_name("service_kind", kind.value))
            out["region"].append(_region(region.value))
            label = lib.hsec_compiled_service_label(c, i)
            out["label"].append(label.decode() if label is not None else None)
            out["node"][i] = node.value
        return out

    @_locked
    def params(self, param: str) -> np.ndarray:
        """Every node's value of a parameter ("vulnerability", "recovery",
        "recovery_time", "weight", "baseline", "initial", "onset",
        "onset_time") as the model gave it, a numpy array in node order:
        "recovery" is 1 where a recovery time was given, "recovery_time" 0
        where a rate was; "weight" (before normalising) and "baseline" are
        NaN on services; "onset" and "onset_time" NaN where none was given."""
        c = self._c
        n = lib.hsec_compiled_node_count(c)
        out = np.zeros(n)
        _check(lib.hsec_compiled_params(out.ctypes.data_as(c_double_p), n, c,
                                        _pick(K.PARAM, "parameter", param)))
        return out


class Compiled(_Handle, _ModelView):
    """A compiled, immutable model; shareable between threads."""

    _kind = "compiled model"

    def __init__(self, ptr):
        super().__init__(ptr, lib.hsec_compiled_free)

    @property
    def _c(self):
        return self._p

    @_locked
    def scenario(self) -> "Scenario":
        """A new scenario on the model; it keeps its own reference to it."""
        p = vp()
        _check(lib.hsec_scenario_new(ctypes.byref(p), self._p))
        return Scenario(p.value)


class Scenario(_Handle, _ModelView):
    """Threats, measures and run options on a compiled model; the compiled
    model's getters (node, links, groups, ...) read the scenario's.

    Its results keep it: close() makes it unusable at once, and frees it
    then, or, while results of it are open, when the last of them is
    closed (or collected with the scenario)."""

    _kind = "scenario"

    def __init__(self, ptr):
        super().__init__(ptr, lib.hsec_scenario_free)
        self._progress = None
        self._progress_errors = []  # what the progress callback raised in the call
        # The open results, which the C scenario outlives, under a lock of
        # their own taken last (inside the scenario's or the results' lock),
        # so that closing results never waits for a run of their scenario.
        self._results = weakref.WeakSet()
        self._results_lock = threading.Lock()

    def _release(self):
        with self._results_lock:
            if self._ptr is not None and not self._results:
                self._free()

    def _keep(self, results):
        with self._results_lock:
            self._results.add(results)

    def _forget(self, results):
        """results, closed, no longer need the scenario: the last results of
        a closed scenario free it (no call can run on it any more: the
        scenario refuses them, and these results' own have ended)."""
        with self._results_lock:
            self._results.discard(results)
            if self._closed and self._ptr is not None and not self._results:
                self._free()

    def _do(self, rc, errmsg=None):
        """Raise for a failed call on the scenario, with the scenario's message
        (or errmsg's); an exception of the progress callback is the
        Canceled's cause."""
        if errmsg is None:
            def errmsg():
                return lib.hsec_scenario_errmsg(self._p).decode()
        errors = self._progress_errors[:]
        self._progress_errors.clear()
        if rc == _E["ecanceled"] and errors:
            raise Canceled(rc, errmsg()) from errors[0]
        _check(rc, errmsg)
        return self

    @property
    def _c(self):
        return lib.hsec_scenario_compiled(self._p)

    @_locked
    def add_threat(self, id: str, *args: Any, actor: Optional[str] = None,
                   targets: Optional[Mapping[str, float]] = None,
                   start: Optional[int] = None, duration: Optional[int] = None,
                   likelihood: Optional[float] = None, persistent: bool = False,
                   topics: Union[str, Iterable[str]] = ()) -> "Scenario":
        """A threat, in C's order (hsec_scenario_add_threat(s, id, actor),
        then its targets): add_threat(id, actor, targets), actor a name
        ("adversary", "natural", ...; "unknown" when not given), targets
        {node, group or region: magnitude}; then, by keyword, its timing
        and NATO's cross-cutting topics it touches
        ("protection_of_civilians", ...). Either may be given by keyword;
        the older order, add_threat(id, targets, actor=...), is still taken
        (a mapping in second place is the targets)."""
        if len(args) > 2:
            raise BadInput(_E["einval"], f"add_threat {id!r}: {len(args) + 1} positional "
                           "arguments (id, actor, targets at most)")
        for a in args:
            if isinstance(a, Mapping):
                if targets is not None:
                    raise BadInput(_E["einval"], f"add_threat {id!r}: targets given twice")
                targets = a
            elif isinstance(a, str):
                if actor is not None:
                    raise BadInput(_E["einval"], f"add_threat {id!r}: actor given twice")
                actor = a
            else:
                raise BadInput(_E["einval"], f"add_threat {id!r}: {a!r} is neither an actor "
                               "(a name) nor targets (a mapping)")
        actor = "unknown" if actor is None else actor
        targets = {} if targets is None else targets
        p = self._p
        bits = _topic_bits(topics)
        self._do(lib.hsec_scenario_add_threat(p, _b(id, "id"), _enum("threat_actor", actor)))
        if bits:
            self._do(lib.hsec_scenario_set_threat_topics(p, id.encode(), bits))
        for key, value in (("start", start), ("duration", duration), ("likelihood", likelihood)):
            if value is not None:
                self._do(lib.hsec_scenario_set_threat(p, id.encode(), K.TIMING[key],
                                                      _f(value, key)))
        if persistent:
            self._do(lib.hsec_scenario_set_threat(p, id.encode(), K.TIMING["duration"],
                                                  K.PERSISTENT))
        for name, mag in dict(targets).items():
            self._do(lib.hsec_scenario_add_threat_target(p, id.encode(), _b(name, "target"),
                                                         _f(mag, "magnitude")))
        return self

    @_locked
    def add_measure(self, id: str, kind: str, effect: str, *args: Any,
                    actor: Optional[str] = None, strength: Optional[float] = None,
                    targets: Iterable[str] = (),
                    links: Iterable[Tuple[Optional[str], str]] = (),
                    start: Optional[int] = None,
                    ramp: Optional[int] = None, duration: Optional[int] = None,
                    cost: Optional[float] = None, topics: Union[str, Iterable[str]] = (),
                    branch: Optional[str] = None) -> "Scenario":
        """A measure, in C's order (hsec_scenario_add_measure(s, id, kind,
        effect, actor, strength)): add_measure(id, kind, effect, actor,
        strength, targets, links). kind "protection" or "empowerment";
        effect "shield", "decouple", "recover" or "reduce_vulnerability";
        actor a name (None: "host_government" for protection, "community"
        for empowerment); strength in [0, 1]; targets: names (shield,
        recover, reduce_vulnerability); links: (from, to) pairs or (None,
        to) (decouple); then, by keyword, its timing, cost, cross-cutting
        topics and branch, the staff function that owns it ("g9_cimic",
        "medical", ...; topics and branch are labels: they change no run).
        Any of them may be given by keyword; the older order, the strength
        fourth (add_measure(id, kind, effect, 0.5, targets, links,
        actor=...)), is still taken: a number in fourth place is the
        strength."""
        names = (("actor", "strength", "targets", "links")
                 if args and (args[0] is None or isinstance(args[0], str))
                 else ("strength", "targets", "links"))
        if len(args) > len(names):
            raise BadInput(_E["einval"], f"add_measure {id!r}: {len(args) + 3} positional "
                           f"arguments (id, kind, effect, {', '.join(names)} at most)")
        given = {"actor": actor, "strength": strength, "targets": targets, "links": links}
        for name, a in zip(names, args):
            if given[name] not in (None, ()):
                raise BadInput(_E["einval"], f"add_measure {id!r}: {name} given twice")
            given[name] = a
        actor, strength, targets, links = (given["actor"], given["strength"], given["targets"],
                                           given["links"])
        if strength is None:
            raise BadInput(_E["einval"], f"add_measure {id!r}: strength is missing")
        p = self._p
        if actor is None:
            actor = "host_government" if kind == "protection" else "community"
        bits = _topic_bits(topics)
        br = None if branch is None else _enum("branch", branch)
        self._do(lib.hsec_scenario_add_measure(p, _b(id, "id"), _enum("measure_kind", kind),
                                               _enum("effect", effect),
                                               _enum("measure_actor", actor),
                                               _f(strength, "strength")))
        if bits:
            self._do(lib.hsec_scenario_set_measure_topics(p, id.encode(), bits))
        if br is not None:
            self._do(lib.hsec_scenario_set_measure_branch(p, id.encode(), br))
        for key, value in (("start", start), ("ramp", ramp), ("duration", duration),
                           ("cost", cost)):
            if value is not None:
                self._do(lib.hsec_scenario_set_measure(p, id.encode(), K.TIMING[key],
                                                       _f(value, key)))
        for name in targets:
            self._do(lib.hsec_scenario_add_measure_target(p, id.encode(), _b(name, "target")))
        for frm, to in links:
            self._do(lib.hsec_scenario_add_measure_link(p, id.encode(), _bn(frm, "from"),
                                                        _b(to, "to")))
        return self

    @_locked
    def add_package(self, id: str, measures: Iterable[str] = ()) -> "Scenario":
        """A package: a named set of measures, a course of action to compare."""
        p = self._p
        self._do(lib.hsec_scenario_add_package(p, _b(id, "id")))
        for m in measures:
            self._do(lib.hsec_scenario_package_add(p, id.encode(), _b(m, "measure")))
        return self

    @_locked
    def set_option(self, name: str, value: Union[float, str]) -> "Scenario":
        """Set a run option, named by its place in a scenario document
        (hsec.OPTIONS: "run.steps", "run.bands[0]", "uncertainty.members";
        "run." may be left out). mode takes "static" or "dynamic"."""
        opt = _option(name)
        if opt == _option("mode") and isinstance(value, str):
            value = K.MODE.get(value, math.nan)
        return self._do(lib.hsec_scenario_set_option(self._p, opt, _f(value, name)))

    @_locked
    def option(self, name: str) -> float:
        """A run option's value (named as for set_option)."""
        x = ctypes.c_double()
        opt = _option(name)
        _check(lib.hsec_scenario_get_option(ctypes.byref(x), self._p, opt))
        return x.value

    @_locked
    def record(self, name: str) -> "Scenario":
        """Record the series of a node, or of every node of a group or
        region (dynamic); in static mode it narrows the nodes the results
        document reports."""
        return self._do(lib.hsec_scenario_record(self._p, _b(name, "record")))

    @_locked
    def set_uncertainty(self, what: str, low: float, mode: float,
                        high: float) -> "Scenario":
        """Draw every parameter of a kind ("weights", "magnitudes",
        "recovery") times a factor from the triangular distribution (low,
        mode, high) in each member of an ensemble."""
        return self._do(lib.hsec_scenario_set_uncertainty(
            self._p, _pick(K.UNCERTAIN, "uncertain", what), _f(low, "low"), _f(mode, "mode"),
            _f(high, "high")))

    @_locked
    def uncertainty(self, what: str) -> Tuple[float, float, float]:
        """The triangular range (low, mode, high) of a kind of parameter."""
        lo, mode, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        _check(lib.hsec_scenario_get_uncertainty(ctypes.byref(lo), ctypes.byref(mode),
                                                 ctypes.byref(hi), self._p,
                                                 _pick(K.UNCERTAIN, "uncertain", what)))
        return lo.value, mode.value, hi.value

    def _ids(self, count, get):
        p = self._p
        return [get(p, i).decode() for i in range(count(p))]

    def _threat_ids(self):
        return self._ids(lib.hsec_scenario_threat_count, lib.hsec_scenario_threat_id)

    def _measure_ids(self):
        return self._ids(lib.hsec_scenario_measure_count, lib.hsec_scenario_measure_id)

    def _package_ids(self):
        return self._ids(lib.hsec_scenario_package_count, lib.hsec_scenario_package_id)

    @property
    @_locked
    def threats(self) -> List[str]:
        """The threats' ids, in the order they were added."""
        return self._threat_ids()

    @property
    @_locked
    def measures(self) -> List[str]:
        """The measures' ids, in the order they were added."""
        return self._measure_ids()

    @property
    @_locked
    def packages(self) -> List[str]:
        """The packages' ids, in the order they were added."""
        return self._package_ids()

    def _timing(self, get, i, what):
        x = ctypes.c_double()
        _check(get(ctypes.byref(x), self._p, i, K.TIMING[what]))
        return x.value

    @_locked
    def threat(self, which: Name) -> Dict[str, Any]:
        """A threat (by id or index) as the scenario holds it: a dict of "id",
        "actor", "start", "duration" (None: persistent), "likelihood",
        "topics" (a list of names), and "nodes" and "magnitudes", numpy
        arrays of the nodes it reaches (ascending) and its magnitude on each."""
        p = self._p
        i = _index(which, self._threat_ids(), "threat")
        actor = ctypes.c_int()
        _check(lib.hsec_scenario_threat_actor(ctypes.byref(actor), p, i))
        get = lib.hsec_scenario_threat_timing
        duration = self._timing(get, i, "duration")
        n = lib.hsec_scenario_threat_target_count(p, i)
        nodes, mags = np.zeros(n, dtype=np.uintp), np.zeros(n)
        _check(lib.hsec_scenario_threat_targets(nodes.ctypes.data_as(c_size_p),
                                                mags.ctypes.data_as(c_double_p), n, p, i))
        return {"id": lib.hsec_scenario_threat_id(p, i).decode(),
                "actor": _enum_name("threat_actor", actor.value),
                "start": int(self._timing(get, i, "start")),
                "duration": None if duration == K.PERSISTENT else int(duration),
                "likelihood": self._timing(get, i, "likelihood"),
                "topics": self._topics(lib.hsec_scenario_threat_topics, i),
                "nodes": nodes.astype(np.intp), "magnitudes": mags}

    def _topics(self, get, i):
        bits = ctypes.c_uint()
        _check(get(ctypes.byref(bits), self._p, i))
        return _topic_names(bits.value)

    @_locked
    def measure(self, which: Name) -> Dict[str, Any]:
        """A measure (by id or index) as the scenario holds it: a dict of
        "id", "kind", "effect", "actor", "strength", "start", "ramp",
        "duration" (None: persistent), "cost", "topics" (a list of names),
        "branch" (its name, "none" when none owns it), and "targets", a numpy array
        of the nodes it reaches or, for decouple, the links it cuts (their
        indices in the order of links()), ascending."""
        p = self._p
        i = _index(which, self._measure_ids(), "measure")
        kind, effect, actor = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        strength = ctypes.c_double()
        _check(lib.hsec_scenario_measure_kind(ctypes.byref(kind), p, i))
        _check(lib.hsec_scenario_measure_effect(ctypes.byref(effect), ctypes.byref(actor),
                                                ctypes.byref(strength), p, i))
        get = lib.hsec_scenario_measure_timing
        duration = self._timing(get, i, "duration")
        n = lib.hsec_scenario_measure_target_count(p, i)
        targets = np.zeros(n, dtype=np.uintp)
        _check(lib.hsec_scenario_measure_targets(targets.ctypes.data_as(c_size_p), n, p, i))
        return {"id": lib.hsec_scenario_measure_id(p, i).decode(),
                "kind": _enum_name("measure_kind", kind.value),
                "effect": _enum_name("effect", effect.value),
                "actor": _enum_name("measure_actor", actor.value),
                "strength": strength.value,
                "start": int(self._timing(get, i, "start")),
                "ramp": int(self._timing(get, i, "ramp")),
                "duration": None if duration == K.PERSISTENT else int(duration),
                "cost": self._timing(get, i, "cost"),
                "topics": self._topics(lib.hsec_scenario_measure_topics, i),
                "branch": self._branch(i),
                "targets": targets.astype(np.intp)}

    def _branch(self, i):
        b = ctypes.c_int()
        _check(lib.hsec_scenario_measure_branch(ctypes.byref(b), self._p, i))
        return _enum_name("branch", b.value)

    @_locked
    def package(self, which: Name) -> Dict[str, Any]:
        """A package (by id or index): a dict of "id", "measures" (their ids,
        in the order they were put in it) and "cost" (their sum)."""
        p = self._p
        i = _index(which, self._package_ids(), "package")
        n = lib.hsec_scenario_package_size(p, i)
        idx = (ctypes.c_size_t * n)()
        _check(lib.hsec_scenario_package_measures(idx, n, p, i))
        return {"id": lib.hsec_scenario_package_id(p, i).decode(),
                "measures": [lib.hsec_scenario_measure_id(p, m).decode() for m in idx],
                "cost": lib.hsec_scenario_package_cost(p, i)}

    @_locked
    def set_progress(self, fn: Optional[Callable[[int, int], Any]]) -> "Scenario":
        """fn(done, total) -> truthy to cancel; None removes it. fn runs on
        the thread of the call (run, compare, rank, ...), or for an
        ensemble on its worker threads, one call at a time, while the call
        holds the scenario: there, using or closing the scenario raises
        Busy. An exception in fn cancels the call, whose Canceled has it as
        __cause__."""
        if fn is None:
            self._do(lib.hsec_scenario_set_progress(self._p, PROGRESS(), None))
            self._progress = None
            return self
        if not callable(fn):
            raise TypeError("progress must be callable")
        errors = self._progress_errors
        me = weakref.ref(self)

        def call(user, done, total):
            handles = _in_callback.__dict__.setdefault("handles", [])
            handles.append(me())
            try:
                return 1 if fn(done, total) else 0
            except BaseException as e:  # an exception in the callback cancels
                errors.append(e)
                return 1
            finally:
                handles.pop()

        progress = PROGRESS(call)
        self._do(lib.hsec_scenario_set_progress(self._p, progress, None))
        self._progress = progress  # kept while the library may call it
        return self

    @_locked
    def ensemble(self, measures: Measures = None, package: Optional[str] = None) -> "Ensemble":
        """An ensemble of the scenario's uncertainty.members members, with
        every measure in force, or those of `measures` or `package` (as
        run()): an hsec.Ensemble."""
        mask = self._force(measures, package)
        p = vp()
        self._do(lib.hsec_scenario_ensemble(ctypes.byref(p), self._p, mask,
                                            len(mask) if mask else 0))
        return Ensemble(p.value, self)

    @_locked
    def ensemble_range(self, first: int, last: int, measures: Measures = None,
                       package: Optional[str] = None) -> bytes:
        """Members first .. last - 1 of the ensemble, as bytes to send to
        the process that merges (ensemble_merge; doc/distributed.md)."""
        mask = self._force(measures, package)
        p = vp()
        self._do(lib.hsec_scenario_ensemble_range(ctypes.byref(p), self._p, mask,
                                                  len(mask) if mask else 0,
                                                  int(first), int(last)))
        try:
            out = ctypes.POINTER(ctypes.c_ubyte)()
            n = ctypes.c_size_t()
            _check(lib.hsec_doc_ensemble_save(ctypes.byref(out), ctypes.byref(n), p, self._p))
            try:
                return ctypes.string_at(out, n.value)
            finally:
                lib.hsec_free_bytes(ctypes.cast(out, vp))
        finally:
            lib.hsec_ensemble_free(p)

    @_locked
    def ensemble_from_table(self, table: ArrayLike, first: int = 0,
                            measures: Measures = None,
                            package: Optional[str] = None) -> "Ensemble":
        """An ensemble of members first .. first + len(table) - 1 from the
        raw figures of Ensemble.table() (of an ensemble of this scenario
        with the same measures in force), copied."""
        t = np.ascontiguousarray(table, dtype=np.float64)
        if t.ndim != 2:
            raise BadInput(_E["einval"], f"table of shape {t.shape} is not members x width")
        first = _whole(first, "first")
        mask = self._force(measures, package)
        p = vp()
        _check(lib.hsec_scenario_ensemble_from_table(
            ctypes.byref(p), self._p, mask, len(mask) if mask else 0, first,
            first + t.shape[0], t.ctypes.data_as(c_double_p), t.size))
        return Ensemble(p.value, self)

    @_locked
    def ensemble_merge(self, parts: Iterable[bytes]) -> "Ensemble":
        """One hsec.Ensemble from the bytes of ensemble_range's parts, in
        any order, read back against this scenario: equal, bit for bit, to
        ensemble() with the same measures."""
        loaded = []
        try:
            for data in parts:
                data = bytes(data)
                p = vp()
                _check(lib.hsec_doc_ensemble_load(ctypes.byref(p), self._p, data, len(data)))
                loaded.append(p.value)
            arr = (vp * len(loaded))(*loaded)
            out = vp()
            _check(lib.hsec_ensemble_merge(ctypes.byref(out), arr, len(loaded)))
            return Ensemble(out.value, self)
        finally:
            for p in loaded:
                lib.hsec_ensemble_free(p)

    @_locked
    def run(self, measures: Measures = None, package: Optional[str] = None) -> "Results":
        """Run with every measure in force, or only those named in
        `measures` (a list of ids, or one id as a string), or only those of
        `package` (its id, or "none" for no measure); not both."""
        mask = self._force(measures, package)
        p = vp()
        if mask is None:
            self._do(lib.hsec_scenario_run(ctypes.byref(p), self._p))
        else:
            self._do(lib.hsec_scenario_run_with(ctypes.byref(p), self._p, mask, len(mask)))
        results = Results(p.value, self, self._measure_ids())
        self._keep(results)
        return results

    @_locked
    def diagnose(self) -> List[Tuple[str, str]]:
        """The scenario's warnings, found now: a list of (code, message),
        code the warning's name ("never_in_force", "unreachable",
        "empty_group"), in the library's order. A run finds them too."""
        self._do(lib.hsec_scenario_diagnose(self._p))
        return self._warnings()

    @property
    @_locked
    def warnings(self) -> List[Tuple[str, str]]:
        """The warnings kept from the last run or diagnose()."""
        return self._warnings()

    def _warnings(self):
        return _warnings(lib.hsec_scenario_diagnostic_count, lib.hsec_scenario_diagnostic,
                         self._p)

    @_locked
    def compare(self, branches: bool = True) -> Dict[str, Any]:
        """The comparison document (hsec compare's JSON) as a dict; with
        branches, each package's averted burden by branch ("averted_by_branch":
        one more run per branch its measures name)."""
        n = 1 + lib.hsec_scenario_package_count(self._p)
        arr = (vp * n)()
        self._do(lib.hsec_scenario_compare(arr, n, self._p))
        try:
            by = None
            nb = len(K.BRANCH)
            if branches:
                by = np.zeros(max(1, (n - 1) * nb))
                for pk in range(n - 1):
                    self._do(lib.hsec_scenario_compare_branches(
                        by[pk * nb:].ctypes.data_as(c_double_p), nb, self._p, arr[0], pk))
            text = ctypes.c_void_p()
            size = ctypes.c_size_t()
            _check(lib.hsec_doc_compare_json_with(
                ctypes.byref(text), ctypes.byref(size), arr, n, self._p,
                None if by is None else by.ctypes.data_as(c_double_p),
                0 if by is None else (n - 1) * nb))
            try:
                return json.loads(ctypes.string_at(text, size.value))
            finally:
                lib.hsec_free_string(text)
        finally:
            for i in range(n):
                lib.hsec_result_free(arr[i])

    @_locked
    def compare_part(self, first: int, last: int, branches: bool = True) -> bytes:
        """Packages first .. last - 1 of the comparison (their runs, and
        with branches their averted burden by branch), as bytes to send to
        the process that writes the document (compare_merge;
        doc/distributed.md). Runs the no-measure baseline too, which the
        branches are measured against."""
        n = lib.hsec_scenario_package_count(self._p)
        first, last = int(first), int(last)
        if not 0 <= first <= last <= n:
            raise BadInput(_E["einval"], f"compare_part: packages {first} .. {last} are not "
                           f"a range within the scenario's {n} packages")
        nm = lib.hsec_scenario_measure_count(self._p)
        base = vp()
        self._do(lib.hsec_scenario_run_with(ctypes.byref(base), self._p, bytes(nm), nm))
        runs = (vp * max(1, last - first))()
        nb = len(K.BRANCH)
        by = np.zeros(max(1, (last - first) * nb))
        try:
            for k, pk in enumerate(range(first, last)):
                mask = ctypes.create_string_buffer(max(1, nm))
                self._do(lib.hsec_scenario_package_mask(mask, nm, self._p, pk))
                run = vp()
                self._do(lib.hsec_scenario_run_with(ctypes.byref(run), self._p, mask.raw[:nm],
                                                    nm))
                runs[k] = run.value
                if branches:
                    self._do(lib.hsec_scenario_compare_branches(
                        by[k * nb:].ctypes.data_as(c_double_p), nb, self._p, base, pk))
            out = ctypes.POINTER(ctypes.c_ubyte)()
            size = ctypes.c_size_t()
            _check(lib.hsec_doc_compare_part_save(
                ctypes.byref(out), ctypes.byref(size), runs, last - first, first, self._p,
                by.ctypes.data_as(c_double_p) if branches else None,
                (last - first) * nb if branches else 0))
            try:
                return ctypes.string_at(out, size.value)
            finally:
                lib.hsec_free_bytes(ctypes.cast(out, vp))
        finally:
            for k in range(last - first):
                lib.hsec_result_free(runs[k])
            lib.hsec_result_free(base)

    @_locked
    def compare_merge(self, parts: Iterable[bytes]) -> Dict[str, Any]:
        """The comparison document (as compare() gives it) from the bytes of
        compare_part's parts, in any order, which together hold every
        package once: equal to compare() however the packages were split."""
        data = [bytes(d) for d in parts]
        arr = (ctypes.c_char_p * max(1, len(data)))(*data)
        lens = (ctypes.c_size_t * max(1, len(data)))(*[len(d) for d in data])
        nm = lib.hsec_scenario_measure_count(self._p)
        base = vp()
        self._do(lib.hsec_scenario_run_with(ctypes.byref(base), self._p, bytes(nm), nm))
        try:
            text = ctypes.c_void_p()
            size = ctypes.c_size_t()
            _check(lib.hsec_doc_compare_json_parts(ctypes.byref(text), ctypes.byref(size), base,
                                                   ctypes.cast(arr, vp), lens, len(data),
                                                   self._p))
            try:
                return json.loads(ctypes.string_at(text, size.value))
            finally:
                lib.hsec_free_string(text)
        finally:
            lib.hsec_result_free(base)

    @_locked
    def report_html(self, measures: Measures = None, package: Optional[str] = None,
                    ensemble: int = 0, title: Optional[str] = None) -> str:
        """The HTML report (hsec report): one self-contained page to read and
        print, as a str. measures or package ("none": no measure) choose the
        measures in force (default: every one); ensemble > 0 adds the
        p5-p95 bands of that many members. The scenario is not changed."""
        from ._lib import REPORT_OPTIONS_VERSION, ReportOptions
        mask = self._force(measures, package)
        o = ReportOptions()
        o.version = REPORT_OPTIONS_VERSION
        o.title = None if title is None else _b(title, "title")
        if mask is not None:
            o.mask = mask
            o.mask_len = len(mask)
        if isinstance(ensemble, bool) or not isinstance(ensemble, int) or ensemble < 0:
            raise BadInput(_E["einval"], f"ensemble {ensemble!r} is not a whole number >= 0")
        o.ensemble_members = ensemble
        if self._progress is not None:  # the report's runs report progress too
            o.progress = self._progress
        text = ctypes.c_void_p()
        size = ctypes.c_size_t()
        self._do(lib.hsec_doc_report_html(ctypes.byref(text), ctypes.byref(size), self._p,
                                          ctypes.byref(o)), _last_errmsg)
        try:
            return ctypes.string_at(text, size.value).decode("utf-8")
        finally:
            lib.hsec_free_string(text)

    def _mask(self, measures):
        if measures is None:
            return None
        ids = self._measure_ids()
        if isinstance(measures, (str, bytes)):  # one id, not a sequence of letters
            measures = [measures.decode() if isinstance(measures, bytes) else measures]
        wanted = set(measures)
        unknown = wanted - set(ids)
        if unknown:
            raise BadInput(_E["enotfound"], f"no measure {sorted(unknown)[0]!r}")
        return bytes(1 if m in wanted else 0 for m in ids)

    def _force(self, measures, package):
        """The mask of `measures` or of `package` ("none": no measure);
        None for every measure."""
        if package is None:
            return self._mask(measures)
        if measures is not None:
            raise BadInput(_E["einval"], "give measures or a package, not both")
        n = len(self._measure_ids())
        packages = self._package_ids()
        if package == "none" and "none" not in packages:
            return bytes(n)
        i = _index(package, packages, "package")
        buf = ctypes.create_string_buffer(max(n, 1))
        _check(lib.hsec_scenario_package_mask(buf, n, self._p, i))
        return buf.raw[:n]

    @_locked
    def save(self, path: PathLike, format: str = "json") -> "Scenario":
        """Save as a scenario document: "json", "cbor", "container" or
        "container-zlib" (atomically; every link explicit)."""
        f = _pick(K.FORMAT, "format", format)
        _check(lib.hsec_doc_save_scenario(os.fsencode(path), self._p, f),
               lambda: _last_errmsg() or f"cannot save {os.fspath(path)!r}")
        return self

    @_locked
    def operator(self, step: int = -1, measures: Measures = None,
                 package: Optional[str] = None) -> Dict[str, np.ndarray]:
        """The operator of doc/model.md section 2 at a dynamic step (or -1:
        static, everything at full strength), with the measures in force
        chosen as for run(): a dict of "weight" (a'_ij per link, in the
        order of links()), "perturbation" (nodes x threats), "recovery"
        (kr_i per node: the rate of a falling node) and "onset" (ko_i: the
        rate of a rising node), numpy arrays."""
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < -1:
            raise BadInput(_E["einval"], f"step {step!r} is not -1 or a whole number >= 0")
        c = self._c
        n, nnz = lib.hsec_compiled_node_count(c), lib.hsec_compiled_link_count(c)
        h = lib.hsec_scenario_threat_count(self._p)
        w, p, k = np.zeros(nnz), np.zeros((n, h)), np.zeros(n)
        mask = self._force(measures, package)
        self._do(lib.hsec_scenario_operator(w.ctypes.data_as(c_double_p),
                                            p.ctypes.data_as(c_double_p),
                                            k.ctypes.data_as(c_double_p), self._p,
                                            mask, 0 if mask is None else len(mask), int(step)))
        return {"weight": w, "perturbation": p, "recovery": k, "onset": self._onset_rates()}

    @_locked
    def onset_rates(self) -> np.ndarray:
        """Every node's onset rate (numpy array): the rate at which a rising
        node moves in a dynamic run, the same at every step."""
        return self._onset_rates()

    def _onset_rates(self):
        n = lib.hsec_compiled_node_count(self._c)
        out = np.zeros(n)
        _check(lib.hsec_scenario_onset_rates(out.ctypes.data_as(c_double_p), n, self._p))
        return out

    @_locked
    def rank(self, measures: Measures = None, package: Optional[str] = None) -> np.ndarray:
        """Marginal equilibrium burden of every node (numpy array), with
        every measure in force or only those of `measures` or `package` (as
        run); rank_order gives the ranking."""
        n = lib.hsec_compiled_node_count(self._c)
        out = np.zeros(n)
        mask = self._force(measures, package)
        self._do(lib.hsec_scenario_rank_with(out.ctypes.data_as(c_double_p), n, self._p, mask,
                                             0 if mask is None else len(mask)))
        return out

    def _coupling(self, mask):
        n = lib.hsec_compiled_node_count(self._c)
        out = {k: np.zeros(n) for k in ("dependency", "influence", "overall_dependency",
                                         "overall_influence")}
        ptrs = [a.ctypes.data_as(c_double_p) for a in out.values()]
        self._do(lib.hsec_scenario_coupling_with(*ptrs, n, self._p, mask,
                                                 0 if mask is None else len(mask)))
        return out

    @_locked
    def coupling(self, measures: Measures = None,
                 package: Optional[str] = None) -> Dict[str, np.ndarray]:
        """The coupling indices of every node with the measures in force
        chosen as for rank(): a dict of numpy arrays "dependency" (of i:
        sum over j != i of a'_ij / (n - 1)), "influence" (of j, the same over
        i), "overall_dependency" and "overall_influence" (with S - I, S =
        (I - A')^-1; NoConvergence when the spectral radius of A' is not
        below 1)."""
        return self._coupling(self._force(measures, package))

    @_locked
    def interdependency(self, i: Name, j: Name, order: int = 1) -> float:
        """The order-th interdependency of node i on node j (names or
        indices): entry [i, j] of A'^order (order 1: a'_ij itself), with
        every measure in force. Takes `order` sparse products; the progress
        callback may cancel it."""
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) \
                or not 1 <= order <= 10**9:
            raise BadInput(_E["einval"], f"order {order!r} is not a whole number from 1 to "
                           "10**9")
        a, b = self._node_index(i, "i"), self._node_index(j, "j")
        x = ctypes.c_double()
        self._do(lib.hsec_scenario_interdependency(ctypes.byref(x), self._p, a, b, int(order)))
        return x.value

    def _node_index(self, which, what="node"):
        if isinstance(which, str):
            return _find_node(self._c, which)
        if isinstance(which, bool) or not isinstance(which, (int, np.integer)) or which < 0:
            raise TypeError(f"{what} must be a node name or an index, not {which!r}")
        return int(which)

    @_locked
    def ranking(self, top: int = 20, kind: Optional[str] = None, region: Optional[str] = None,
                measures: Measures = None, package: Optional[str] = None) -> Dict[str, Any]:
        """The ranking document (hsec rank's JSON) as a dict: every node's
        marginal burden and coupling indices, most critical first, the top
        `top` (0: all) of the nodes select(kind, region) keeps, with the
        measures in force chosen as for run()."""
        top = _whole(top, "top")
        mask = self._force(measures, package)
        n = lib.hsec_compiled_node_count(self._c)
        u = np.zeros(n)
        self._do(lib.hsec_scenario_rank_with(u.ctypes.data_as(c_double_p), n, self._p, mask,
                                             0 if mask is None else len(mask)))
        cp = self._coupling(mask)
        sel = None
        if kind is not None or region is not None:
            sel = self._select(kind, region).astype(np.uint8).tobytes()
        ptrs = [a.ctypes.data_as(c_double_p) for a in (u, *cp.values())]
        return _json(lambda t, ln: lib.hsec_doc_rank_json_with(
            t, ln, *ptrs, n, self._p, top, sel, mask, 0 if mask is None else len(mask)))

    def _candidates(self, candidates):
        """The candidates' mask (None: every measure)."""
        return self._mask(candidates)

    @_locked
    def optimize(self, budget: float, exact: bool = False,
                 candidates: Measures = None) -> Dict[str, Any]:
        """Choose measures within `budget` to avert the most propagated
        burden (greedy on averted burden per unit cost, or with exact every
        subset, at most SEARCH_EXACT_MAX candidates): the choice document
        (hsec optimize's JSON) as a dict of "measures" (their ids),
        "averted", "cost", "averted_per_cost" and "budget". candidates:
        measure ids to choose from (None: every measure)."""
        budget = _f(budget, "budget")
        nm = len(self._measure_ids())
        cand = self._candidates(candidates)
        chosen = ctypes.create_string_buffer(max(nm, 1))
        averted, cost = ctypes.c_double(), ctypes.c_double()
        self._do(lib.hsec_scenario_optimize(chosen, ctypes.byref(averted), ctypes.byref(cost),
                                            nm, self._p, budget, 1 if exact else 0, cand))
        mask = chosen.raw[:nm]
        return _json(lambda t, ln: lib.hsec_doc_choice_json(
            t, ln, mask, nm, averted.value, cost.value, budget, self._p))

    @_locked
    def optimize_range(self, budget: float, first: int, last: int,
                       candidates: Measures = None) -> Dict[str, Any]:
        """The exact search over subsets first .. last - 1 (subset n holds
        candidate k when bit k of n is set; doc/distributed.md): a dict of
        "subset" (the best's number, None when none is within the budget),
        "burden" and "cost" (its propagated burden and cost) and "baseline"
        (the no-measure run's propagated burden). optimize_merge joins
        ranges; optimize_subset names a subset's measures."""
        cand = self._candidates(candidates)
        sub = ctypes.c_uint64()
        burden, cost, base = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        self._do(lib.hsec_scenario_optimize_range(
            ctypes.byref(sub), ctypes.byref(burden), ctypes.byref(cost), ctypes.byref(base),
            self._p, _f(budget, "budget"), cand, len(self._measure_ids()),
            _whole(first, "first"), _whole(last, "last")))
        return {"subset": None if sub.value == K.SUBSET_NONE else sub.value,
                "burden": burden.value, "cost": cost.value, "baseline": base.value}

    @_locked
    def optimize_subset(self, subset: int, candidates: Measures = None) -> List[str]:
        """The ids of the measures of subset number `subset` of the
        candidates (as optimize_range numbers them)."""
        ids = self._measure_ids()
        cand = self._candidates(candidates)
        chosen = ctypes.create_string_buffer(max(len(ids), 1))
        _check(lib.hsec_scenario_optimize_subset(chosen, len(ids), self._p, cand,
                                                 _whole(subset, "subset")))
        return [m for m, on in zip(ids, chosen.raw) if on]

    @_locked
    def set_quantiles(self, quantiles: ArrayLike) -> "Scenario":
        """The quantiles an ensemble document reports (1 to 32 values in
        [0, 1]; default 0.05, 0.5, 0.95)."""
        q = _doubles(quantiles, "quantiles")
        return self._do(lib.hsec_scenario_set_quantiles(self._p, q.ctypes.data_as(c_double_p),
                                                        len(q)))

    @property
    @_locked
    def quantiles(self) -> np.ndarray:
        """The quantiles an ensemble document reports, a numpy array."""
        return self._quantiles()

    def _quantiles(self):
        n = ctypes.c_size_t()
        p = lib.hsec_scenario_quantiles(self._p, ctypes.byref(n))
        return np.ctypeslib.as_array(p, shape=(n.value,)).copy() if n.value else np.zeros(0)

    @_locked
    def set_step_unit(self, unit: str) -> "Scenario":
        """The label of one step ("day" by default; [A-Za-z0-9_:-]{1,64})."""
        return self._do(lib.hsec_scenario_set_step_unit(self._p, _b(unit, "unit")))

    @property
    @_locked
    def step_unit(self) -> str:
        """The label of one step ("day" by default)."""
        return lib.hsec_scenario_step_unit(self._p).decode()

    @property
    @_locked
    def recorded(self) -> List[str]:
        """The names of the recorded nodes, in the order first recorded."""
        n = ctypes.c_size_t()
        p = lib.hsec_scenario_recorded(self._p, ctypes.byref(n))
        c = self._c
        return [lib.hsec_compiled_node_name(c, p[k]).decode() for k in range(n.value)]

    @property
    @_locked
    def stamp(self) -> int:
        """A number standing for the scenario as it is: every change gives it
        a new one, and no two scenarios of the process share one."""
        return lib.hsec_scenario_stamp(self._p)

    @_locked
    def set_limit(self, what: str, value: int) -> "Scenario":
        """The scenario's memory limit in bytes ("memory", the only one a
        scenario has; by default its compiled model's), checked before a
        run, ensemble, comparison or search allocates."""
        return self._do(lib.hsec_scenario_set_limit(self._p, _pick(K.LIMIT, "limit", what),
                                                    _whole(value, what)))

    @_locked
    def limit(self, what: str = "memory") -> Optional[int]:
        """The scenario's limit ("memory"), None when none is set."""
        x = ctypes.c_uint64()
        self._do(lib.hsec_scenario_get_limit(ctypes.byref(x), self._p,
                                             _pick(K.LIMIT, "limit", what)))
        return None if x.value == K.SUBSET_NONE else x.value

    @_locked
    def memory(self) -> int:
        """About the bytes the compiled model, the target lists and one run
        take together, as checked against the memory limit (BadInput, ELIMIT,
        when over it)."""
        x = ctypes.c_uint64()
        _check(lib.hsec_scenario_memory(ctypes.byref(x), self._p))
        return x.value

    @_locked
    def save_part(self, path: PathLike, format: str = "json") -> "Scenario":
        """Save as a part to merge() with others: the scenario document
        without its settings (run, uncertainty) and its empty lists."""
        f = _pick(K.FORMAT, "format", format)
        _check(lib.hsec_doc_save_part(os.fsencode(path), self._p, f),
               lambda: _last_errmsg() or f"cannot save {os.fspath(path)!r}")
        return self


def _warnings(count, get, p):
    code = ctypes.c_int()
    msg = ctypes.c_char_p()
    out = []
    for i in range(count(p)):
        _check(get(ctypes.byref(code), ctypes.byref(msg), p, i))
        name = lib.hsec_warning_name(code.value)
        out.append((name.decode() if name else str(code.value), msg.value.decode()))
    return out


class Results(_Handle):
    """What one run computed. Arrays are numpy copies, valid after close().
    Until closed, results keep their scenario (names and the results
    document need it), even a closed one.

    Attributes: q (every node's q: the equilibrium, or the last step),
    orders (nodes x ORDER_COUNT: q split into orders 1, 2, 3, 4+), mode
    ("static" or "dynamic"), steps, measures (the ids of the measures in
    force) and warnings (the run's own: a list of (code, message))."""

    _kind = "results"

    def __init__(self, ptr, scenario, measure_ids):  # by a run, holding the scenario
        super().__init__(ptr, lib.hsec_result_free)
        self._scenario = scenario
        # for names: read-only, shared, and kept by the scenario
        self._compiled = lib.hsec_scenario_compiled(scenario._p)
        self._threat_ids = scenario._threat_ids()[:lib.hsec_result_threat_count(ptr)]
        c = self._compiled
        self._group_ids = [lib.hsec_compiled_group_id(c, g).decode()
                           for g in range(lib.hsec_result_group_count(ptr))]
        self._region_ids = [lib.hsec_compiled_region_id(c, r).decode()
                            for r in range(lib.hsec_compiled_region_count(c))]
        n = lib.hsec_result_node_count(ptr)
        self.q = np.ctypeslib.as_array(lib.hsec_result_q(ptr), shape=(n,)).copy() if n else np.zeros(0)
        self.orders = (np.ctypeslib.as_array(lib.hsec_result_orders(ptr),
                                             shape=(n, ORDER_COUNT)).copy()
                       if n else np.zeros((0, ORDER_COUNT)))
        self.mode = "dynamic" if lib.hsec_result_mode(ptr) == K.MODE["dynamic"] else "static"
        self.steps = lib.hsec_result_steps(ptr)
        nm = lib.hsec_result_measure_count(ptr)
        buf = ctypes.create_string_buffer(max(nm, 1))
        _check(lib.hsec_result_measures(buf, nm, ptr))
        # the ids of the measures the run had in force, in the scenario's order
        self.measures = [measure_ids[m] for m in range(nm) if buf.raw[m]]
        # the run's own warnings (flat_series): a list of (code, message)
        self.warnings = _warnings(lib.hsec_result_diagnostic_count, lib.hsec_result_diagnostic,
                                  ptr)

    def _release(self):
        self._free()
        scenario, self._scenario = self._scenario, None
        scenario._forget(self)

    @property
    def groups(self) -> List[str]:
        """The ids of the groups the run reported on, in group order."""
        return list(self._group_ids)

    @property
    def threats(self) -> List[str]:
        """The ids of the threats the run reported on, in scenario order."""
        return list(self._threat_ids)

    def _ids(self, part):
        return {"threat": self._threat_ids, "group": self._group_ids,
                "region": self._region_ids}[part]

    def _group(self, which):
        return _index(which, self._group_ids, "group")

    def _threat(self, which):
        return _index(which, self._threat_ids, "threat")

    @_locked
    def node(self, name: str) -> int:
        """The index of a node by name ("grid", "elderly.health"), into q,
        orders and the model's node order."""
        return _find_node(self._compiled, name)

    @_locked
    def node_names(self) -> List[str]:
        """Every node's name, in node order (the order of q)."""
        c = self._compiled
        return [lib.hsec_compiled_node_name(c, i).decode() for i in range(len(self.q))]

    @_locked
    def series(self, node: Name) -> np.ndarray:
        """The series q(0) .. q(steps) of a recorded node (a name or an
        index) of a dynamic run, a numpy array; BadInput when the node was
        not recorded."""
        i = _find_node(self._compiled, node) if isinstance(node, str) else \
            _index(node, [], "node")
        return self._series(i)

    def _series(self, i):
        values = c_double_p()
        n = ctypes.c_size_t()
        _check(lib.hsec_result_series(ctypes.byref(values), ctypes.byref(n), self._p, i))
        return np.ctypeslib.as_array(values, shape=(n.value,)).copy()

    @_locked
    def burden(self, part: str = "total", index: Name = 0) -> float:
        """A part of the burden (person-steps, or persons when static): "total",
        "baseline", "propagated", "initial", or one entry of "band",
        "order", "threat", "actor", "region", "group", "topic", "flag",
        "flag_propagated". The plural keys of the results document's
        "burden" are accepted too ("bands", "orders", "threats", ...).
        index: a number, or a name: a band ("short", "medium", "long"), a
        threat's, region's or group's id, an actor, a topic ("none": the
        threats without one), a flag ("population": everyone)."""
        name, value = _burden_part(part)
        x = ctypes.c_double()
        _check(lib.hsec_result_burden(ctypes.byref(x), self._p, value,
                                      _part_index(name, index, self._ids)))
        return x.value

    @_locked
    def impact(self, flag: Name = "population") -> Dict[str, float]:
        """Differentiated impacts: for the groups carrying a vulnerability
        flag (or "population", everyone) a dict of "burden", "propagated",
        "people", "per_capita" and "ratio" (to the population's per-capita
        burden; NaN where undefined)."""
        v = np.zeros(K.IMPACT_COUNT)
        _check(lib.hsec_result_impact(v.ctypes.data_as(c_double_p), K.IMPACT_COUNT, self._p,
                                      _part_index("flag", flag)))
        return dict(zip(("burden", "propagated", "people", "per_capita", "ratio"),
                        (float(x) for x in v)))

    @_locked
    def group(self, which: Name, at: str = "last") -> Tuple[float, int, np.ndarray]:
        """(vital-core index H, step, y) of a group (its id or index) at
        "last" or "peak"; y, the seven dimensions' insecurity, as a numpy
        array in the order of DIMENSIONS."""
        step = ctypes.c_uint64()
        h = ctypes.c_double()
        y = np.zeros(len(DIMENSIONS))
        _check(lib.hsec_result_group(ctypes.byref(step), ctypes.byref(h),
                                     y.ctypes.data_as(c_double_p), len(y), self._p,
                                     self._group(which), _pick(K.AT, "at", at)))
        return h.value, step.value, y

    @_locked
    def group_orders(self, which: Name, at: str = "last") -> np.ndarray:
        """The propagated part of each dimension of a group (its id or index)
        split into orders 1, 2, 3, 4+: a numpy array of 7 x ORDER_COUNT."""
        p = np.zeros((len(DIMENSIONS), ORDER_COUNT))
        _check(lib.hsec_result_group_orders(p.ctypes.data_as(c_double_p), p.size, self._p,
                                            self._group(which), _pick(K.AT, "at", at)))
        return p

    @_locked
    def freedoms(self, which: Name, at: str = "last") -> np.ndarray:
        """A group's (id or index) freedom indices (from fear, from want, to
        live in dignity; higher is less free), a numpy array of
        FREEDOM_COUNT."""
        out = np.zeros(FREEDOM_COUNT)
        _check(lib.hsec_result_group_freedoms(out.ctypes.data_as(c_double_p), len(out),
                                              self._p, self._group(which),
                                              _pick(K.AT, "at", at)))
        return out

    @_locked
    def score(self, which: Name, at: str = "last") -> Tuple[float, bool]:
        """A group's (id or index) Alkire-Foster score (the sum of its
        weights over the dimensions where y >= the cutoff) and whether it
        is insecure (score >= k): (score, insecure)."""
        x, ins = ctypes.c_double(), ctypes.c_int()
        _check(lib.hsec_result_group_score(ctypes.byref(x), ctypes.byref(ins), self._p,
                                           self._group(which), _pick(K.AT, "at", at)))
        return x.value, bool(ins.value)

    @_locked
    def early_warning(self, which: Name, dimension: str) -> Tuple[Optional[int], int]:
        """Early warning (dynamic): (step, lead) of a group's (id or index)
        dimension (a name of DIMENSIONS): the first step at which it reaches
        crisis (y >= 0.4) or worse, and that step minus the earliest threat
        start; (None, 0) when it never does."""
        step, lead = ctypes.c_int64(), ctypes.c_int64()
        _check(lib.hsec_result_warning(ctypes.byref(step), ctypes.byref(lead), self._p,
                                       self._group(which), _enum("dimension", dimension)))
        return (None if step.value < 0 else step.value), lead.value

    @_locked
    def threat_share(self, group: Name, threat: Name) -> Tuple[float, bool]:
        """The share of a group's propagated vital-core index at its peak
        that a threat causes, and whether that makes it critical for the
        group (the run's critical_share): (share, critical). Ids or indices."""
        x, crit = ctypes.c_double(), ctypes.c_int()
        _check(lib.hsec_result_threat_share(ctypes.byref(x), ctypes.byref(crit), self._p,
                                            self._group(group), self._threat(threat)))
        return x.value, bool(crit.value)

    @_locked
    def pervasive(self, threat: Name) -> Tuple[float, bool]:
        """The share of the population in groups for which a threat (id or
        index) is critical, and whether that makes it pervasive:
        (population_share, pervasive)."""
        x, per = ctypes.c_double(), ctypes.c_int()
        _check(lib.hsec_result_pervasive(ctypes.byref(x), ctypes.byref(per), self._p,
                                         self._threat(threat)))
        return x.value, bool(per.value)

    @_locked
    def multidimensional(self, at: str = "last") -> np.ndarray:
        """Alkire-Foster counting: (H, A, M0), a numpy array of AF_COUNT."""
        out = np.zeros(AF_COUNT)
        _check(lib.hsec_result_multidimensional(out.ctypes.data_as(c_double_p), len(out),
                                                self._p, _pick(K.AT, "at", at)))
        return out

    def _with_scenario(self):
        """Hold the scenario, then the results (the order of a call on the
        scenario whose progress callback reads results)."""
        scenario = self._scenario
        if scenario is None:
            raise Closed(self._kind)
        return scenario._call(closed_ok=True)

    def to_dict(self) -> Dict[str, Any]:
        """The results document, the same as `hsec run` writes."""
        with self._with_scenario() as sp, self._call() as rp:
            return _json(lambda t, n: lib.hsec_doc_results_json(t, n, rp, sp))

    def save(self, path: PathLike, format: str = "json") -> "Results":
        """Save the results document (hsec run -o) atomically: "json",
        "cbor", "container" or "container-zlib"."""
        f = _pick(K.FORMAT, "format", format)
        with self._with_scenario() as sp, self._call() as rp:
            _check(lib.hsec_doc_save_results(os.fsencode(path), rp, sp, f),
                   lambda: _last_errmsg() or f"cannot save {os.fspath(path)!r}")
        return self

    @_locked
    def to_pandas(self, table: str = "nodes") -> Any:
        """A tidy pandas DataFrame (pandas is optional: ImportError naming
        it when missing). table "nodes": a row per node (node, q, order_1
        .. order_4); "groups": a row per group, time ("last", "peak") and
        dimension (group, at, step, index, dimension, y, order_1 ..
        order_4); "series": a row per recorded node and step (node, step,
        q); "burden": a row per part of the burden (part, key, value)."""
        pd = _pandas("Results.to_pandas()")
        c = self._compiled
        if table == "nodes":
            names = [lib.hsec_compiled_node_name(c, i).decode() for i in range(len(self.q))]
            df = pd.DataFrame({"node": names, "q": self.q})
            for k in range(ORDER_COUNT):
                df[f"order_{k + 1}"] = self.orders[:, k]
            return df
        if table == "groups":
            rows = []
            for g, gid in enumerate(self._group_ids):
                for at in K.AT:
                    step, h = ctypes.c_uint64(), ctypes.c_double()
                    y = np.zeros(len(DIMENSIONS))
                    o = np.zeros((len(DIMENSIONS), ORDER_COUNT))
                    _check(lib.hsec_result_group(ctypes.byref(step), ctypes.byref(h),
                                                 y.ctypes.data_as(c_double_p), len(y), self._p,
                                                 g, K.AT[at]))
                    _check(lib.hsec_result_group_orders(o.ctypes.data_as(c_double_p), o.size,
                                                        self._p, g, K.AT[at]))
                    for d, dim in enumerate(DIMENSIONS):
                        rows.append([gid, at, step.value, h.value, dim, y[d], *o[d]])
            return pd.DataFrame(rows, columns=["group", "at", "step", "index", "dimension",
                                               "y"] + [f"order_{k + 1}"
                                                       for k in range(ORDER_COUNT)])
        if table == "series":
            frames = []
            for i in range(len(self.q)):
                values = c_double_p()
                n = ctypes.c_size_t()
                if lib.hsec_result_series(ctypes.byref(values), ctypes.byref(n), self._p,
                                          i) != 0:
                    continue  # not recorded
                frames.append(pd.DataFrame({
                    "node": lib.hsec_compiled_node_name(c, i).decode(),
                    "step": np.arange(n.value),
                    "q": np.ctypeslib.as_array(values, shape=(n.value,)).copy()}))
            if not frames:
                return pd.DataFrame({"node": [], "step": [], "q": []})
            return pd.concat(frames, ignore_index=True)
        if table == "burden":
            rows = []
            for part in ("total", "baseline", "propagated", "initial"):
                rows.append((part, None, self._burden(part, 0)))
            keyed = {"band": BANDS, "order": [str(k + 1) for k in range(ORDER_COUNT)],
                     "threat": self._threat_ids, "actor": _enum_names("threat_actor"),
                     "region": self._region_ids, "group": self._group_ids}
            for part, keys in keyed.items():
                for k, key in enumerate(keys):
                    rows.append((part, key, self._burden(part, k)))
            return pd.DataFrame(rows, columns=["part", "key", "value"])
        raise BadInput(_E["einval"], f"table {table!r} is not one of nodes, groups, series, "
                       "burden")

    def _burden(self, part, index):
        x = ctypes.c_double()
        _check(lib.hsec_result_burden(ctypes.byref(x), self._p, K.BURDEN[part], index))
        return x.value


# What an ensemble keeps of each member, by name: a burden part (its index
# the part's), or one of these.
_QUANTITY = {"group_peak": 1, "group_last": 2, "recorded": 3}


class Ensemble(_Handle):
    """An ensemble's members' figures (Scenario.ensemble, ensemble_merge).
    Read-only; close() frees it (or the garbage collector does), waiting
    for a call on it in another thread. Until closed it keeps its scenario,
    as results do (for names and its document)."""

    _kind = "ensemble"

    def __init__(self, ptr, scenario=None):
        super().__init__(ptr, lib.hsec_ensemble_free)
        self._scenario = scenario
        self._measure_ids, self._threat_ids, self._group_ids = [], [], []
        self._region_ids = []
        if scenario is not None:  # made by a call holding the scenario
            p = scenario._p
            self._measure_ids = scenario._measure_ids()
            self._threat_ids = scenario._threat_ids()
            c = lib.hsec_scenario_compiled(p)
            self._compiled = c
            self._group_ids = [lib.hsec_compiled_group_id(c, g).decode()
                               for g in range(lib.hsec_compiled_group_count(c))]
            self._region_ids = [lib.hsec_compiled_region_id(c, r).decode()
                                for r in range(lib.hsec_compiled_region_count(c))]
            scenario._keep(self)

    def _release(self):
        self._free()
        scenario, self._scenario = self._scenario, None
        if scenario is not None:
            scenario._forget(self)

    def _ids(self, part):
        return {"threat": self._threat_ids, "group": self._group_ids,
                "region": self._region_ids}[part]

    @property
    @_locked
    def members(self) -> int:
        """How many members the ensemble holds."""
        return lib.hsec_ensemble_members(self._p)

    @property
    @_locked
    def range(self) -> Tuple[int, int, int]:
        """(first, last, total): the members held, first .. last - 1 of total."""
        f, la, t = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_uint64()
        _check(lib.hsec_ensemble_range(ctypes.byref(f), ctypes.byref(la), ctypes.byref(t),
                                       self._p))
        return f.value, la.value, t.value

    @property
    @_locked
    def measures(self) -> List[str]:
        """The ids of the measures the members had in force."""
        n = len(self._measure_ids)
        buf = ctypes.create_string_buffer(max(n, 1))
        _check(lib.hsec_ensemble_measures(buf, n, self._p))
        return [m for m, on in zip(self._measure_ids, buf.raw) if on]

    @_locked
    def table(self) -> np.ndarray:
        """The raw figures of the members (members x width, in an order of
        the library's own; doc/distributed.md), a numpy array:
        Scenario.ensemble_from_table() makes the ensemble again from it."""
        n = lib.hsec_ensemble_members(self._p)
        w = lib.hsec_ensemble_width(self._p)
        out = np.zeros((n, w))
        _check(lib.hsec_ensemble_table(out.ctypes.data_as(c_double_p), out.size, self._p))
        return out

    def _quantity(self, part, index):
        """(quantity, index, sub) of the library for a part and its index:
        a burden part (as Results.burden), "group_peak" or "group_last"
        (index: a group's id or index) or "recorded" (index: a recorded
        node's name or index)."""
        if part in _QUANTITY:
            if part == "recorded":
                i = (_find_node(self._compiled, index) if isinstance(index, str)
                     else _index(index, [], "node"))
            else:
                i = _index(index, self._group_ids, "group")
            return _QUANTITY[part], i, 0
        name, value = _burden_part(part)
        return 0, value, _part_index(name, index, self._ids)

    @_locked
    def values(self, part: str = "total", index: Name = 0) -> np.ndarray:
        """The members' values of a quantity, in member order, a numpy
        array: a burden part and its index (as Results.burden), or
        "group_peak" / "group_last" (the vital-core index of a group, by
        id or index) or "recorded" (a recorded node's final q, by name)."""
        what, i, sub = self._quantity(part, index)
        n = lib.hsec_ensemble_members(self._p)
        out = np.zeros(n)
        _check(lib.hsec_ensemble_values(out.ctypes.data_as(c_double_p), n, self._p, what, i,
                                        sub))
        return out

    @_locked
    def quantile(self, part: str = "total", q: Union[float, ArrayLike] = 0.5,
                 index: Name = 0) -> Union[float, np.ndarray]:
        """The q-quantile of a quantity (as values()) across the members,
        interpolating between order statistics; q a number (a float back)
        or a sequence of them (a numpy array back)."""
        what, i, sub = self._quantity(part, index)
        qs = np.atleast_1d(np.asarray(q, dtype=np.float64)) if not np.isscalar(q) else None
        x = ctypes.c_double()
        if qs is None:
            _check(lib.hsec_ensemble_quantile(ctypes.byref(x), self._p, what, i, sub,
                                              _f(q, "q")))
            return x.value
        out = np.zeros(len(qs))
        for k, v in enumerate(qs):
            _check(lib.hsec_ensemble_quantile(ctypes.byref(x), self._p, what, i, sub,
                                              float(v)))
            out[k] = x.value
        return out

    def to_dict(self, quantiles: Optional[ArrayLike] = None) -> Dict[str, Any]:
        """The ensemble document (hsec ensemble's JSON) as a dict: the
        quantiles (None: the scenario's, set_quantiles) of the burden, the
        groups' peak and last indices and the recorded nodes."""
        scenario = self._scenario
        if scenario is None:
            raise Closed(self._kind)
        with scenario._call(closed_ok=True) as sp, self._call() as ep:
            qs = scenario._quantiles() if quantiles is None else _doubles(quantiles,
                                                                          "quantiles")
            return _json(lambda t, n: lib.hsec_doc_ensemble_json(
                t, n, ep, qs.ctypes.data_as(c_double_p), len(qs), sp))

    @_locked
    def to_pandas(self, parts: Iterable[str] = ("total", "baseline", "propagated")) -> Any:
        """A tidy pandas DataFrame of the members' values (pandas is
        optional): a row per member and quantity (member, part, key,
        value), for the burden parts named in parts (a part with entries,
        "groups", "threats", ..., gives a row per entry) and "group_peak" /
        "group_last" (a row per group)."""
        pd = _pandas("Ensemble.to_pandas()")
        first = ctypes.c_uint64()
        _check(lib.hsec_ensemble_range(ctypes.byref(first), None, None, self._p))
        n = lib.hsec_ensemble_members(self._p)
        member = np.arange(first.value, first.value + n)
        keyed = {"band": list(BANDS), "order": [str(k + 1) for k in range(ORDER_COUNT)],
                 "threat": self._threat_ids, "actor": _enum_names("threat_actor"),
                 "region": self._region_ids, "group": self._group_ids}
        frames = []
        for part in parts:
            if part in ("group_peak", "group_last"):
                entries = [(g, gid) for g, gid in enumerate(self._group_ids)]
            else:
                name, _ = _burden_part(part)
                keys = keyed.get(name)
                entries = [(0, None)] if keys is None else list(enumerate(keys))
            for i, key in entries:
                what, qi, sub = self._quantity(part, i)
                out = np.zeros(n)
                _check(lib.hsec_ensemble_values(out.ctypes.data_as(c_double_p), n, self._p,
                                                what, qi, sub))
                frames.append(pd.DataFrame({"member": member, "part": part, "key": key,
                                            "value": out}))
        return pd.concat(frames, ignore_index=True)


def load(source: Union[PathLike, bytes, bytearray, memoryview, Mapping[str, Any]],
         limits: Optional[Mapping[str, int]] = None) -> Scenario:
    """A scenario from a document: a path to a file, the document's bytes
    (JSON, CBOR or the container, told apart by their content) or a dict.
    limits sets what the loader accepts: {"nodes", "links", "string",
    "depth", "size", "ratio", "memory": value}."""
    if isinstance(source, dict):
        data = json.dumps(source).encode()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        data = None
    else:
        raise TypeError(f"load takes a path, bytes or a dict, not {type(source).__name__}")
    loader = vp()
    _check(lib.hsec_loader_new(ctypes.byref(loader), None))
    try:
        def errmsg():
            return lib.hsec_loader_errmsg(loader).decode(errors="replace")

        for key, value in (limits or {}).items():
            _check(lib.hsec_loader_set_limit(loader, _pick(K.LIMIT, "limit", key), int(value)),
                   errmsg)
        p = vp()
        if data is None:
            rc = lib.hsec_loader_load_file(ctypes.byref(p), loader, os.fsencode(source))
        else:
            rc = lib.hsec_loader_load(ctypes.byref(p), loader, data, len(data))
        _check(rc, errmsg)
    finally:
        lib.hsec_loader_free(loader)
    return Scenario(p.value)


def _with_loader(call, limits=None):
    """call(loader) on a new loader under limits; a failure raises with the
    loader's message."""
    loader = vp()
    _check(lib.hsec_loader_new(ctypes.byref(loader), None))
    try:
        def errmsg():
            return lib.hsec_loader_errmsg(loader).decode(errors="replace")

        for key, value in (limits or {}).items():
            _check(lib.hsec_loader_set_limit(loader, _pick(K.LIMIT, "limit", key), int(value)),
                   errmsg)
        _check(call(loader), errmsg)
    finally:
        lib.hsec_loader_free(loader)


def _paths(paths, what):
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(f"{what} takes a list of paths, not one path")
    encoded = [os.fsencode(p) for p in paths]
    return (ctypes.c_char_p * max(len(encoded), 1))(*encoded), len(encoded)


def merge(inputs: Iterable[PathLike], out: PathLike, to: str = "json",
          limits: Optional[Mapping[str, int]] = None) -> None:
    """One scenario document from the documents in the files `inputs` (any
    encoding), written to `out` as `to` (json, cbor, container,
    container-zlib): lists concatenated, an id or link given twice refused
    unless identical, each setting from one file (doc/format.md,
    "Merging"). Nothing is written on failure."""
    arr, n = _paths(inputs, "merge")
    f = _pick(K.FORMAT, "format", to)
    _with_loader(lambda l: lib.hsec_loader_merge_files(l, arr, n, os.fsencode(out), f), limits)


def import_csv(inputs: Iterable[PathLike], out: PathLike,
               tables: Optional[Sequence[Optional[str]]] = None, to: str = "json",
               limits: Optional[Mapping[str, int]] = None) -> None:
    """A scenario document from CSV tables (doc/format.md, "CSV tables"):
    each file's table by its name (groups.csv) or by tables[i]; written to
    `out` as `to`. Errors name the file, the row and the column."""
    arr, n = _paths(inputs, "import_csv")
    tarr = None
    if tables is not None:
        if len(tables) != n:
            raise ValueError(f"import_csv: {len(tables)} tables for {n} files")
        names = [None if t is None else t.encode() for t in tables]
        tarr = (ctypes.c_char_p * max(n, 1))(*names)
    f = _pick(K.FORMAT, "format", to)
    _with_loader(lambda l: lib.hsec_loader_import_csv(l, arr, tarr, n, os.fsencode(out), f),
                 limits)


def export_csv(scenario: PathLike, directory: PathLike,
               limits: Optional[Mapping[str, int]] = None) -> None:
    """The scenario document in the file `scenario` as CSV tables in
    `directory` (created if missing), one TABLE.csv per kind; import_csv of
    them gives the same document."""
    _with_loader(lambda l: lib.hsec_loader_export_csv(l, os.fsencode(scenario),
                                                       os.fsencode(directory)), limits)


def convert(source: PathLike, out: PathLike, to: Optional[str] = None,
            limits: Optional[Mapping[str, int]] = None) -> None:
    """Re-encode the document in the file `source` (a scenario or results)
    as `to` (json, cbor, container, container-zlib; None: by out's
    extension, .json, .cbor or .hsec, as hsec convert), replacing `out`
    atomically."""
    if to is None:
        ext = os.path.splitext(os.fspath(out))[1].lower()
        to = {".json": "json", ".cbor": "cbor", ".hsec": "container-zlib"}.get(ext)
        if to is None:
            raise BadInput(_E["einval"], f"convert: give to=, out {os.fspath(out)!r} has no "
                           "extension .json, .cbor or .hsec")
    f = _pick(K.FORMAT, "format", to)
    _with_loader(lambda l: lib.hsec_loader_convert_file(l, os.fsencode(source),
                                                        os.fsencode(out), f), limits)


def _loader_text(call, limits):
    """The text call(loader, char **, size_t *) allocates, freed."""
    text = ctypes.c_void_p()
    size = ctypes.c_size_t()
    _with_loader(lambda l: call(l, ctypes.byref(text), ctypes.byref(size)), limits)
    try:
        return ctypes.string_at(text, size.value).decode("utf-8")
    finally:
        lib.hsec_free_string(text)


def read_document(path: PathLike, limits: Optional[Mapping[str, int]] = None) -> Dict[str, Any]:
    """The document in the file `path`, in any encoding (a scenario, results,
    a comparison, ...), as a dict: what hsec show --format json prints."""
    return json.loads(_loader_text(
        lambda l, t, n: lib.hsec_loader_read_json(t, n, l, os.fsencode(path)), limits))


def report_html_file(path: PathLike, title: Optional[str] = None,
                     limits: Optional[Mapping[str, int]] = None) -> str:
    """The HTML report of a saved results document, without its scenario
    (hsec show --format html): a str. title None: the path."""
    return _loader_text(lambda l, t, n: lib.hsec_doc_report_html_file(
        t, n, l, os.fsencode(path), _bn(title, "title")), limits)
