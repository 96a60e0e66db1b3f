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
import contextlib
import ctypes
import functools
import json
import math
import os
import threading
import weakref

import numpy as np

from . import _constants as K
from ._constants import AF_COUNT, BAND_COUNT, FREEDOM_COUNT, ORDER_COUNT
from ._constants import SEARCH_CHECK_MAX, SEARCH_EXACT_MAX
from ._lib import PROGRESS, c_double_p, c_size_p, c_uint64_p, lib, vp
from ._lib import IO_TABLE_VERSION as _IO_TABLE_VERSION
from ._lib import IoTable as _IoTable

__all__ = ["Error", "BadInput", "NoConvergence", "OutOfMemory", "FileError", "Canceled",
           "Closed", "Busy", "Model", "Compiled", "Scenario", "Results", "load", "version",
           "DIMENSIONS", "OPTIONS", "option_bounds", "option_default", "option_whole",
           "rank_order", "ORDER_COUNT", "BAND_COUNT", "FREEDOM_COUNT", "AF_COUNT",
           "SEARCH_EXACT_MAX", "SEARCH_CHECK_MAX", "merge", "import_csv", "export_csv"]

DIMENSIONS = tuple(sorted(K.DIMENSION, key=K.DIMENSION.get))


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
    pass


class FileError(Error, OSError):
    pass


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


def version():
    return lib.hsec_version_string().decode()


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


def _part_index(part, index):
    """A burden part's index: topics and flags may be named ("none": the
    threats without a topic; "population": everyone)."""
    if isinstance(index, str):
        if part == "topic":
            return K.TOPIC_COUNT if index == "none" else _enum("topic", index)
        if part in ("flag", "flag_propagated"):
            return K.FLAG_COUNT if index == "population" else _enum("flag", index)
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


def option_bounds(name):
    """The inclusive range (low, high) of a run option."""
    lo, hi = ctypes.c_double(), ctypes.c_double()
    _check(lib.hsec_option_bounds(ctypes.byref(lo), ctypes.byref(hi), _option(name)))
    return lo.value, hi.value


def option_default(name):
    """The value a run option has until it is set."""
    x = ctypes.c_double()
    _check(lib.hsec_option_default(ctypes.byref(x), _option(name)))
    return x.value


def option_whole(name):
    """Whether a run option takes whole numbers only."""
    x = ctypes.c_int()
    _check(lib.hsec_option_whole(ctypes.byref(x), _option(name)))
    return bool(x.value)


def _doubles(values, what):
    a = np.ascontiguousarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise BadInput(_E["einval"], f"{what} must be one-dimensional")
    return a


def rank_order(marginal):
    """The node indices by decreasing marginal burden (Scenario.rank()),
    ties to the lower index, NaN last: the order of a ranking."""
    u = _doubles(marginal, "marginal")
    order = np.zeros(len(u), dtype=np.uintp)
    _check(lib.hsec_rank_order(order.ctypes.data_as(c_size_p), u.ctypes.data_as(c_double_p),
                               len(u)))
    return order.astype(np.intp)


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
        return self._owner == threading.get_ident()

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

    def close(self):
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
    def add_region(self, id, parent=None, label=None):
        """A region; label: free text for display (never used to resolve names)."""
        self._do(lib.hsec_model_add_region(self._p, _b(id, "id"), _bn(parent, "parent")))
        if label is not None:
            self._do(lib.hsec_model_set_label(self._p, id.encode(), _b(label, "label")))
        return self

    @_locked
    def set_label(self, id, label):
        """Label a region or service added before (None removes the label)."""
        return self._do(lib.hsec_model_set_label(self._p, _b(id, "id"), _bn(label, "label")))

    @_locked
    def add_group(self, id, region, size, flags=(), **params):
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
    def add_service(self, id, kind, region=None, label=None, **params):
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
    def set(self, name, param, value):
        return self._set(name, param, value)

    def _set(self, name, param, value):
        return self._do(lib.hsec_model_set(self._p, _b(name, "name"),
                                           _pick(K.PARAM, "parameter", param), _f(value, param)))

    @_locked
    def add_link(self, frm, to, weight, lag=0):
        return self._do(lib.hsec_model_add_link(self._p, _b(frm, "from"), _b(to, "to"),
                                                _f(weight, "weight"), _f(lag, "lag")))

    @_locked
    def use_template(self, name):
        return self._do(lib.hsec_model_use_template(self._p, _b(name, "template")))

    @_locked
    def add_io_table(self, z, y=None, x=None, sectors=None, regions=None, region=None,
                     model="demand", min_weight=0.0):
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
    def compile(self):
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
    def node_count(self):
        return lib.hsec_compiled_node_count(self._c)

    @_locked
    def node_names(self):
        c = self._c
        return [lib.hsec_compiled_node_name(c, i).decode()
                for i in range(lib.hsec_compiled_node_count(c))]

    @_locked
    def node(self, name):
        """The index of a node ("grid", "elderly.health")."""
        return self._node(name)

    def _node(self, name):
        return _find_node(self._c, name)

    @_locked
    def links(self):
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
    def regions(self):
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
    def groups(self):
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
    def services(self):
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
    def params(self, param):
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
    def scenario(self):
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

    def _do(self, rc):
        errors = self._progress_errors[:]
        self._progress_errors.clear()
        if rc == _E["ecanceled"] and errors:
            raise Canceled(rc, lib.hsec_scenario_errmsg(self._p).decode()) from errors[0]
        _check(rc, lambda: lib.hsec_scenario_errmsg(self._p).decode())
        return self

    @property
    def _c(self):
        return lib.hsec_scenario_compiled(self._p)

    @_locked
    def add_threat(self, id, targets, actor="unknown", start=None, duration=None,
                   likelihood=None, persistent=False, topics=()):
        """targets: {node, group or region: magnitude}; topics: NATO's
        cross-cutting topics it touches ("protection_of_civilians", ...)."""
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
    def add_measure(self, id, kind, effect, strength, targets=(), links=(), actor=None,
                    start=None, ramp=None, duration=None, cost=None, topics=(), branch=None):
        """targets: names (shield, recover, reduce_vulnerability); links:
        (from, to) pairs or (None, to) (decouple); topics: cross-cutting
        topics; branch: the staff function that owns it ("g9_cimic",
        "medical", ...). Topics and branch are labels: they change no run."""
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
    def add_package(self, id, measures=()):
        """A package: a named set of measures, a course of action to compare."""
        p = self._p
        self._do(lib.hsec_scenario_add_package(p, _b(id, "id")))
        for m in measures:
            self._do(lib.hsec_scenario_package_add(p, id.encode(), _b(m, "measure")))
        return self

    @_locked
    def set_option(self, name, value):
        """Set a run option, named by its place in a scenario document
        (hsec.OPTIONS: "run.steps", "run.bands[0]", "uncertainty.members";
        "run." may be left out). mode takes "static" or "dynamic"."""
        opt = _option(name)
        if opt == _option("mode") and isinstance(value, str):
            value = K.MODE.get(value, math.nan)
        return self._do(lib.hsec_scenario_set_option(self._p, opt, _f(value, name)))

    @_locked
    def option(self, name):
        """A run option's value (named as for set_option)."""
        x = ctypes.c_double()
        opt = _option(name)
        _check(lib.hsec_scenario_get_option(ctypes.byref(x), self._p, opt))
        return x.value

    @_locked
    def record(self, name):
        return self._do(lib.hsec_scenario_record(self._p, _b(name, "record")))

    @_locked
    def set_uncertainty(self, what, low, mode, high):
        """Draw every parameter of a kind ("weights", "magnitudes",
        "recovery") times a factor from the triangular distribution (low,
        mode, high) in each member of an ensemble."""
        return self._do(lib.hsec_scenario_set_uncertainty(
            self._p, _pick(K.UNCERTAIN, "uncertain", what), _f(low, "low"), _f(mode, "mode"),
            _f(high, "high")))

    @_locked
    def uncertainty(self, what):
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
    def threats(self):
        return self._threat_ids()

    @property
    @_locked
    def measures(self):
        return self._measure_ids()

    @property
    @_locked
    def packages(self):
        return self._package_ids()

    def _timing(self, get, i, what):
        x = ctypes.c_double()
        _check(get(ctypes.byref(x), self._p, i, K.TIMING[what]))
        return x.value

    @_locked
    def threat(self, which):
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
    def measure(self, which):
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
    def package(self, which):
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
    def set_progress(self, fn):
        """fn(done, total) -> truthy to cancel; None removes it. fn runs on
        the thread of the call (run, compare, rank), which holds the scenario:
        there, using or closing the scenario raises Busy. An exception in
        fn cancels the call, whose Canceled has it as __cause__."""
        if fn is None:
            self._do(lib.hsec_scenario_set_progress(self._p, PROGRESS(), None))
            self._progress = None
            return self
        if not callable(fn):
            raise TypeError("progress must be callable")
        errors = self._progress_errors

        def call(user, done, total):
            try:
                return 1 if fn(done, total) else 0
            except BaseException as e:  # an exception in the callback cancels
                errors.append(e)
                return 1

        progress = PROGRESS(call)
        self._do(lib.hsec_scenario_set_progress(self._p, progress, None))
        self._progress = progress  # kept while the library may call it
        return self

    @_locked
    def ensemble(self, measures=None, package=None):
        """An ensemble of the scenario's uncertainty.members members, with
        every measure in force, or those of `measures` or `package` (as
        run()): an hsec.Ensemble."""
        mask = self._force(measures, package)
        p = vp()
        self._do(lib.hsec_scenario_ensemble(ctypes.byref(p), self._p, mask,
                                            len(mask) if mask else 0))
        return Ensemble(p.value)

    @_locked
    def ensemble_range(self, first, last, measures=None, package=None):
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
    def ensemble_merge(self, parts):
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
            return Ensemble(out.value)
        finally:
            for p in loaded:
                lib.hsec_ensemble_free(p)

    @_locked
    def run(self, measures=None, package=None):
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
    def diagnose(self):
        """The scenario's warnings, found now: a list of (code, message),
        code the warning's name ("never_in_force", "unreachable",
        "empty_group"), in the library's order. A run finds them too."""
        self._do(lib.hsec_scenario_diagnose(self._p))
        return self._warnings()

    @property
    @_locked
    def warnings(self):
        """The warnings kept from the last run or diagnose()."""
        return self._warnings()

    def _warnings(self):
        return _warnings(lib.hsec_scenario_diagnostic_count, lib.hsec_scenario_diagnostic,
                         self._p)

    @_locked
    def compare(self, branches=True):
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
    def report_html(self, measures=None, package=None, ensemble=0, title=None):
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
        text = ctypes.c_void_p()
        size = ctypes.c_size_t()
        _check(lib.hsec_doc_report_html(ctypes.byref(text), ctypes.byref(size), self._p,
                                        ctypes.byref(o)))
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
    def save(self, path, format="json"):
        """Save as a scenario document: "json", "cbor", "container" or
        "container-zlib" (atomically; every link explicit)."""
        f = _pick(K.FORMAT, "format", format)
        _check(lib.hsec_doc_save_scenario(os.fsencode(path), self._p, f),
               lambda: _last_errmsg() or f"cannot save {os.fspath(path)!r}")
        return self

    @_locked
    def operator(self, step=-1, measures=None):
        """The operator of doc/model.md section 2 at a dynamic step (or -1:
        static, everything at full strength): a dict of "weight" (a'_ij per
        link, in the order of links()), "perturbation" (nodes x threats),
        "recovery" (kr_i per node: the rate of a falling node) and "onset"
        (ko_i: the rate of a rising node), numpy arrays."""
        c = self._c
        n, nnz = lib.hsec_compiled_node_count(c), lib.hsec_compiled_link_count(c)
        h = lib.hsec_scenario_threat_count(self._p)
        w, p, k = np.zeros(nnz), np.zeros((n, h)), np.zeros(n)
        mask = self._mask(measures)
        self._do(lib.hsec_scenario_operator(w.ctypes.data_as(c_double_p),
                                            p.ctypes.data_as(c_double_p),
                                            k.ctypes.data_as(c_double_p), self._p,
                                            mask, 0 if mask is None else len(mask), int(step)))
        return {"weight": w, "perturbation": p, "recovery": k, "onset": self._onset_rates()}

    @_locked
    def onset_rates(self):
        """Every node's onset rate (numpy array): the rate at which a rising
        node moves in a dynamic run, the same at every step."""
        return self._onset_rates()

    def _onset_rates(self):
        n = lib.hsec_compiled_node_count(self._c)
        out = np.zeros(n)
        _check(lib.hsec_scenario_onset_rates(out.ctypes.data_as(c_double_p), n, self._p))
        return out

    @_locked
    def rank(self, measures=None, package=None):
        """Marginal equilibrium burden of every node (numpy array), with
        every measure in force or only those of `measures` or `package` (as
        run); rank_order gives the ranking."""
        n = lib.hsec_compiled_node_count(self._c)
        out = np.zeros(n)
        mask = self._force(measures, package)
        self._do(lib.hsec_scenario_rank_with(out.ctypes.data_as(c_double_p), n, self._p, mask,
                                             0 if mask is None else len(mask)))
        return out


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
    document need it), even a closed one."""

    _kind = "results"

    def __init__(self, ptr, scenario, measure_ids):  # by a run, holding the scenario
        super().__init__(ptr, lib.hsec_result_free)
        self._scenario = scenario
        # for names: read-only, shared, and kept by the scenario
        self._compiled = lib.hsec_scenario_compiled(scenario._p)
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

    @_locked
    def node(self, name):
        return _find_node(self._compiled, name)

    @_locked
    def series(self, node):
        i = _find_node(self._compiled, node) if isinstance(node, str) else int(node)
        values = c_double_p()
        n = ctypes.c_size_t()
        _check(lib.hsec_result_series(ctypes.byref(values), ctypes.byref(n), self._p, i))
        return np.ctypeslib.as_array(values, shape=(n.value,)).copy()

    @_locked
    def burden(self, part="total", index=0):
        """A part of the burden ("total", "baseline", "propagated", "band",
        "order", "threat", "actor", "region", "initial", "group", "topic",
        "flag", "flag_propagated") and its index; a topic may be named ("none":
        threats without one), a flag too ("population": everyone)."""
        x = ctypes.c_double()
        _check(lib.hsec_result_burden(ctypes.byref(x), self._p,
                                      _pick(K.BURDEN, "burden part", part),
                                      _part_index(part, index)))
        return x.value

    @_locked
    def impact(self, flag="population"):
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
    def group(self, index, at="last"):
        """(vital-core index, step) of group `index` at "last" or "peak";
        y, the seven dimensions' insecurity, as a numpy array."""
        step = ctypes.c_uint64()
        h = ctypes.c_double()
        y = np.zeros(len(DIMENSIONS))
        _check(lib.hsec_result_group(ctypes.byref(step), ctypes.byref(h),
                                     y.ctypes.data_as(c_double_p), len(y), self._p, int(index),
                                     _pick(K.AT, "at", at)))
        return h.value, step.value, y

    @_locked
    def group_orders(self, index, at="last"):
        """The propagated part of each dimension of a group split into orders
        1, 2, 3, 4+: a numpy array of 7 x ORDER_COUNT."""
        p = np.zeros((len(DIMENSIONS), ORDER_COUNT))
        _check(lib.hsec_result_group_orders(p.ctypes.data_as(c_double_p), p.size, self._p,
                                            int(index), _pick(K.AT, "at", at)))
        return p

    @_locked
    def freedoms(self, index, at="last"):
        """A group's freedom indices (from fear, from want, to live in
        dignity; higher is less free), a numpy array of FREEDOM_COUNT."""
        out = np.zeros(FREEDOM_COUNT)
        _check(lib.hsec_result_group_freedoms(out.ctypes.data_as(c_double_p), len(out),
                                              self._p, int(index), _pick(K.AT, "at", at)))
        return out

    @_locked
    def multidimensional(self, at="last"):
        """Alkire-Foster counting: (H, A, M0), a numpy array of AF_COUNT."""
        out = np.zeros(AF_COUNT)
        _check(lib.hsec_result_multidimensional(out.ctypes.data_as(c_double_p), len(out),
                                                self._p, _pick(K.AT, "at", at)))
        return out

    def to_dict(self):
        """The results document, the same as `hsec run` writes."""
        text = ctypes.c_void_p()
        size = ctypes.c_size_t()
        scenario = self._scenario
        if scenario is None:
            raise Closed(self._kind)
        # The scenario's lock before the results': the order of a call on the
        # scenario whose progress callback reads results.
        with scenario._call(closed_ok=True) as sp, self._call() as rp:
            _check(lib.hsec_doc_results_json(ctypes.byref(text), ctypes.byref(size), rp, sp))
        try:
            return json.loads(ctypes.string_at(text, size.value))
        finally:
            lib.hsec_free_string(text)


class Ensemble(_Handle):
    """An ensemble's members' figures (Scenario.ensemble, ensemble_merge).
    Read-only; close() frees it (or the garbage collector does), waiting
    for a call on it in another thread."""

    _kind = "ensemble"

    def __init__(self, ptr):
        super().__init__(ptr, lib.hsec_ensemble_free)

    @property
    @_locked
    def members(self):
        """How many members the ensemble holds."""
        return lib.hsec_ensemble_members(self._p)

    @property
    @_locked
    def range(self):
        """(first, last, total): the members held, first .. last - 1 of total."""
        f, la, t = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_uint64()
        _check(lib.hsec_ensemble_range(ctypes.byref(f), ctypes.byref(la), ctypes.byref(t),
                                       self._p))
        return f.value, la.value, t.value

    @_locked
    def values(self, part="total", index=0):
        """The members' values of a burden part (as Results.burden), in
        member order, as a list of floats."""
        n = lib.hsec_ensemble_members(self._p)
        out = (ctypes.c_double * n)()
        _check(lib.hsec_ensemble_values(out, n, self._p, 0,
                                        _pick(K.BURDEN, "burden part", part), index))
        return list(out)

    @_locked
    def quantile(self, part="total", q=0.5, index=0):
        """The q-quantile of a burden part across the members."""
        x = ctypes.c_double()
        _check(lib.hsec_ensemble_quantile(ctypes.byref(x), self._p, 0,
                                          _pick(K.BURDEN, "burden part", part), index, _f(q, "q")))
        return x.value


def load(source, limits=None):
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


def merge(inputs, out, to="json", limits=None):
    """One scenario document from the documents in the files `inputs` (any
    encoding), written to `out` as `to` (json, cbor, container,
    container-zlib): lists concatenated, an id or link given twice refused
    unless identical, each setting from one file (doc/format.md,
    "Merging"). Nothing is written on failure."""
    arr, n = _paths(inputs, "merge")
    f = _pick(K.FORMAT, "format", to)
    _with_loader(lambda l: lib.hsec_loader_merge_files(l, arr, n, os.fsencode(out), f), limits)


def import_csv(inputs, out, tables=None, to="json", limits=None):
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


def export_csv(scenario, directory, limits=None):
    """The scenario document in the file `scenario` as CSV tables in
    `directory` (created if missing), one TABLE.csv per kind; import_csv of
    them gives the same document."""
    _with_loader(lambda l: lib.hsec_loader_export_csv(l, os.fsencode(scenario),
                                                       os.fsencode(directory)), limits)
