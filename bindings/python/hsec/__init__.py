"""hsec: human security analysis, a thin Python binding of libhsec.

Every number comes from the C library; this module only converts. Handles
are freed by close(), by a with block, or by the garbage collector. The GIL
is released while the library works (ctypes.CDLL calls release it).
"""
import ctypes
import json
import math
import os
import weakref

import numpy as np

from ._lib import PROGRESS, c_double_p, c_size_p, lib, vp

__all__ = ["Error", "BadInput", "NoConvergence", "OutOfMemory", "FileError", "Canceled",
           "Closed", "Model", "Compiled", "Scenario", "Results", "load", "version",
           "DIMENSIONS"]

DIMENSIONS = ("economic", "food", "health", "environmental", "personal", "community",
              "political")


class Error(Exception):
    """An hsec failure: .code is the library's code, .message its message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class BadInput(Error, ValueError):
    """A bad value, name or document (EINVAL, ENOTFOUND, EEXIST, EFORMAT)."""


class NoConvergence(Error):
    """A linear run whose spectral radius is not below 1."""


class OutOfMemory(Error, MemoryError):
    pass


class FileError(Error, OSError):
    pass


class Canceled(Error):
    """A progress callback returned true."""


class Closed(Error):
    """A handle used after close()."""

    def __init__(self, what):
        super().__init__(0, f"{what} is closed")


_CLASSES = {-1: BadInput, -2: OutOfMemory, -3: BadInput, -4: BadInput, -5: NoConvergence,
            -6: FileError, -7: BadInput, -8: Error, -9: Canceled}


def _raise(rc, message):
    text = message or lib.hsec_strerror(rc).decode()
    raise _CLASSES.get(rc, Error)(rc, text)


def _check(rc, errmsg=None):
    if rc != 0:
        _raise(rc, errmsg() if errmsg else None)


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


_ENUMS = {"dimension": 0, "flag": 1, "service_kind": 2, "threat_actor": 3, "measure_kind": 4,
          "measure_actor": 5, "effect": 6, "phase": 7}


def _enum(which, name):
    v = ctypes.c_int()
    if lib.hsec_enum_value(ctypes.byref(v), _ENUMS[which], _b(name, which)) != 0:
        names = []
        i = 0
        while True:
            n = lib.hsec_enum_name(_ENUMS[which], i)
            if not n:
                break
            names.append(n.decode())
            i += 1
        raise BadInput(-1, f"{which} {name!r} is not one of {', '.join(names)}")
    return v.value


_PARAMS = {"vulnerability": 0, "recovery": 1, "recovery_time": 2, "weight": 3, "baseline": 4,
           "initial": 5}
_TIMING = {"start": 0, "duration": 1, "likelihood": 2, "ramp": 3, "cost": 4}
_OPTIONS = {"mode": 0, "steps": 1, "bounded": 2, "band_short": 3, "band_medium": 4,
            "recovery_lambda": 5, "seed": 6, "max_iterations": 7, "critical_share": 8,
            "pervasive_share": 9, "deprivation_cutoff": 10, "score_cutoff": 11, "members": 12,
            "threads": 13, "run_threads": 14}
_BURDEN = {"total": 0, "baseline": 1, "propagated": 2, "band": 3, "order": 4, "threat": 5,
           "actor": 6, "region": 7, "initial": 8, "group": 9}


class _Handle:
    _kind = "handle"

    def __init__(self, ptr, free):
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)

    @property
    def _p(self):
        if self._ptr is None:
            raise Closed(self._kind)
        return self._ptr

    def close(self):
        """Free the handle now (the garbage collector would, later)."""
        if self._ptr is not None:
            self._finalizer()
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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

    def add_region(self, id, parent=None):
        return self._do(lib.hsec_model_add_region(self._p, _b(id, "id"), _bn(parent, "parent")))

    def add_group(self, id, region, size, flags=(), **params):
        """A group; params are per-node parameters (vulnerability=1.5, or
        vulnerability={"health": 1.5}, recovery=..., weights=..., baseline=...)."""
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
                self.set(id, "weight", 0)
            if isinstance(value, dict):
                for dim, x in value.items():
                    self.set(f"{id}.{dim}", param, x)
            else:
                self.set(id, param, value)
        return self

    def add_service(self, id, kind, region=None, **params):
        self._do(lib.hsec_model_add_service(self._p, _b(id, "id"), _enum("service_kind", kind),
                                            _bn(region, "region")))
        for key, value in params.items():
            self.set(id, key, value)
        return self

    def set(self, name, param, value):
        if param not in _PARAMS:
            raise BadInput(-1, f"parameter {param!r} is not one of {', '.join(_PARAMS)}")
        return self._do(lib.hsec_model_set(self._p, _b(name, "name"), _PARAMS[param],
                                           _f(value, param)))

    def add_link(self, frm, to, weight, lag=0):
        return self._do(lib.hsec_model_add_link(self._p, _b(frm, "from"), _b(to, "to"),
                                                _f(weight, "weight"), _f(lag, "lag")))

    def use_template(self, name):
        return self._do(lib.hsec_model_use_template(self._p, _b(name, "template")))

    def compile(self):
        p = vp()
        self._do(lib.hsec_model_compile(ctypes.byref(p), self._p))
        return Compiled(p.value)


class Compiled(_Handle):
    """A compiled, immutable model; shareable between threads."""

    _kind = "compiled model"

    def __init__(self, ptr):
        super().__init__(ptr, lib.hsec_compiled_free)

    @property
    def node_count(self):
        return lib.hsec_compiled_node_count(self._p)

    def node_names(self):
        return [lib.hsec_compiled_node_name(self._p, i).decode() for i in range(self.node_count)]

    def node(self, name):
        i = ctypes.c_size_t()
        if lib.hsec_compiled_find_node(ctypes.byref(i), self._p, _b(name, "node")) != 0:
            raise BadInput(-3, f"no node {name!r}")
        return i.value

    def scenario(self):
        p = vp()
        _check(lib.hsec_scenario_new(ctypes.byref(p), self._p))
        return Scenario(p.value)


class Scenario(_Handle):
    """Threats, measures and run options on a compiled model."""

    _kind = "scenario"

    def __init__(self, ptr):
        super().__init__(ptr, lib.hsec_scenario_free)
        self._progress = None

    def _do(self, rc):
        _check(rc, lambda: lib.hsec_scenario_errmsg(self._p).decode())
        return self

    @property
    def _compiled(self):
        return lib.hsec_scenario_compiled(self._p)

    def node(self, name):
        i = ctypes.c_size_t()
        if lib.hsec_compiled_find_node(ctypes.byref(i), self._compiled, _b(name, "node")) != 0:
            raise BadInput(-3, f"no node {name!r}")
        return i.value

    def node_names(self):
        c = self._compiled
        return [lib.hsec_compiled_node_name(c, i).decode()
                for i in range(lib.hsec_compiled_node_count(c))]

    def add_threat(self, id, targets, actor="unknown", start=None, duration=None,
                   likelihood=None, persistent=False):
        """targets: {node, group or region: magnitude}."""
        p = self._p
        self._do(lib.hsec_scenario_add_threat(p, _b(id, "id"), _enum("threat_actor", actor)))
        for key, value in (("start", start), ("duration", duration), ("likelihood", likelihood)):
            if value is not None:
                self._do(lib.hsec_scenario_set_threat(p, id.encode(), _TIMING[key], _f(value, key)))
        if persistent:
            self._do(lib.hsec_scenario_set_threat(p, id.encode(), 1, -1.0))
        for name, mag in dict(targets).items():
            self._do(lib.hsec_scenario_add_threat_target(p, id.encode(), _b(name, "target"),
                                                         _f(mag, "magnitude")))
        return self

    def add_measure(self, id, kind, effect, strength, targets=(), links=(), actor=None,
                    start=None, ramp=None, duration=None, cost=None):
        """targets: names (shield, recover, reduce_vulnerability); links:
        (from, to) pairs or (None, to) (decouple)."""
        p = self._p
        if actor is None:
            actor = "host_government" if kind == "protection" else "community"
        self._do(lib.hsec_scenario_add_measure(p, _b(id, "id"), _enum("measure_kind", kind),
                                               _enum("effect", effect),
                                               _enum("measure_actor", actor),
                                               _f(strength, "strength")))
        for key, value in (("start", start), ("ramp", ramp), ("duration", duration),
                           ("cost", cost)):
            if value is not None:
                self._do(lib.hsec_scenario_set_measure(p, id.encode(), _TIMING[key],
                                                       _f(value, key)))
        for name in targets:
            self._do(lib.hsec_scenario_add_measure_target(p, id.encode(), _b(name, "target")))
        for frm, to in links:
            self._do(lib.hsec_scenario_add_measure_link(p, id.encode(), _bn(frm, "from"),
                                                        _b(to, "to")))
        return self

    def set_option(self, name, value):
        if name not in _OPTIONS:
            raise BadInput(-1, f"option {name!r} is not one of {', '.join(_OPTIONS)}")
        if name == "mode" and isinstance(value, str):
            value = {"static": 0, "dynamic": 1}.get(value, math.nan)
        return self._do(lib.hsec_scenario_set_option(self._p, _OPTIONS[name], _f(value, name)))

    def option(self, name):
        x = ctypes.c_double()
        if name not in _OPTIONS:
            raise BadInput(-1, f"option {name!r} is not one of {', '.join(_OPTIONS)}")
        _check(lib.hsec_scenario_get_option(ctypes.byref(x), self._p, _OPTIONS[name]))
        return x.value

    def record(self, name):
        return self._do(lib.hsec_scenario_record(self._p, _b(name, "record")))

    @property
    def threats(self):
        return [lib.hsec_scenario_threat_id(self._p, i).decode()
                for i in range(lib.hsec_scenario_threat_count(self._p))]

    @property
    def measures(self):
        return [lib.hsec_scenario_measure_id(self._p, i).decode()
                for i in range(lib.hsec_scenario_measure_count(self._p))]

    @property
    def packages(self):
        return [lib.hsec_scenario_package_id(self._p, i).decode()
                for i in range(lib.hsec_scenario_package_count(self._p))]

    def set_progress(self, fn):
        """fn(done, total) -> truthy to cancel; None removes it."""
        if fn is None:
            self._progress = None
            self._do(lib.hsec_scenario_set_progress(self._p, PROGRESS(), None))
            return self
        if not callable(fn):
            raise TypeError("progress must be callable")

        def call(user, done, total):
            try:
                return 1 if fn(done, total) else 0
            except BaseException:  # an exception in the callback cancels
                return 1

        self._progress = PROGRESS(call)
        return self._do(lib.hsec_scenario_set_progress(self._p, self._progress, None))

    def run(self, measures=None):
        """Run with every measure, or only those named in `measures`."""
        p = vp()
        if measures is None:
            self._do(lib.hsec_scenario_run(ctypes.byref(p), self._p))
        else:
            self._do(lib.hsec_scenario_run_with(ctypes.byref(p), self._p, self._mask(measures)))
        return Results(p.value, self)

    def compare(self):
        """The comparison document (hsec compare's JSON) as a dict."""
        n = 1 + lib.hsec_scenario_package_count(self._p)
        arr = (vp * n)()
        self._do(lib.hsec_scenario_compare(arr, n, self._p))
        try:
            text = ctypes.c_void_p()
            size = ctypes.c_size_t()
            _check(lib.hsec_doc_compare_json(ctypes.byref(text), ctypes.byref(size), arr, n,
                                             self._p))
            try:
                return json.loads(ctypes.string_at(text, size.value))
            finally:
                lib.hsec_free_string(text)
        finally:
            for i in range(n):
                lib.hsec_result_free(arr[i])

    def _mask(self, measures):
        if measures is None:
            return None
        ids = self.measures
        wanted = set(measures)
        unknown = wanted - set(ids)
        if unknown:
            raise BadInput(-3, f"no measure {sorted(unknown)[0]!r}")
        return bytes(1 if m in wanted else 0 for m in ids)

    def save(self, path, format="json"):
        """Save as a scenario document: "json", "cbor", "container" or
        "container-zlib" (atomically; every link explicit)."""
        try:
            f = _FORMATS.index(format)
        except ValueError:
            raise BadInput(-1, f"format {format!r} is not one of {', '.join(_FORMATS)}") from None
        _check(lib.hsec_doc_save_scenario(os.fsencode(path), self._p, f),
               lambda: f"cannot save {os.fspath(path)!r}")
        return self

    def links(self):
        """The links in compressed sparse rows by target: (rowp, sources,
        weights, lags) as numpy arrays; the links into node i are
        rowp[i]:rowp[i+1]. scipy.sparse.csr_matrix((weights, sources, rowp))
        is the matrix of raw weights."""
        c = self._compiled
        n, nnz = lib.hsec_compiled_node_count(c), lib.hsec_compiled_link_count(c)
        rowp = np.zeros(n + 1, dtype=np.uintp)
        src = np.zeros(nnz, dtype=np.uintp)
        w = np.zeros(nnz)
        lag = np.zeros(nnz, dtype=np.uint64)
        _check(lib.hsec_compiled_links(rowp.ctypes.data_as(c_size_p), src.ctypes.data_as(c_size_p),
                                       w.ctypes.data_as(c_double_p),
                                       lag.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64)), nnz, c))
        return rowp, src, w, lag

    def operator(self, step=-1, measures=None):
        """The operator of doc/model.md section 2 at a dynamic step (or -1:
        static, everything at full strength): a dict of "weight" (a'_ij per
        link, in the order of links()), "perturbation" (nodes x threats) and
        "recovery" (k_i per node), numpy arrays."""
        c = self._compiled
        n, nnz = lib.hsec_compiled_node_count(c), lib.hsec_compiled_link_count(c)
        h = lib.hsec_scenario_threat_count(self._p)
        w, p, k = np.zeros(nnz), np.zeros((n, h)), np.zeros(n)
        self._do(lib.hsec_scenario_operator(w.ctypes.data_as(c_double_p),
                                            p.ctypes.data_as(c_double_p),
                                            k.ctypes.data_as(c_double_p), self._p,
                                            self._mask(measures), int(step)))
        return {"weight": w, "perturbation": p, "recovery": k}

    def groups(self):
        """The groups: a dict of "id", "node" (the first of its seven nodes),
        "size" and "weight" (groups x 7 vital-core weights), numpy arrays."""
        c = self._compiled
        g = lib.hsec_compiled_group_count(c)
        return {
            "id": [lib.hsec_compiled_group_id(c, i).decode() for i in range(g)],
            "node": np.array([lib.hsec_compiled_group_node(c, i) for i in range(g)], dtype=np.intp),
            "size": np.array([lib.hsec_compiled_group_size(c, i) for i in range(g)]),
            "weight": np.array([[lib.hsec_compiled_group_weight(c, i, d) for d in range(7)]
                                for i in range(g)]).reshape(g, 7),
        }

    def rank(self):
        """Marginal equilibrium burden of every node (numpy array)."""
        n = lib.hsec_compiled_node_count(self._compiled)
        out = np.zeros(n)
        self._do(lib.hsec_scenario_rank(out.ctypes.data_as(c_double_p), n, self._p))
        return out


class Results(_Handle):
    """What one run computed. Arrays are numpy copies, valid after close()."""

    _kind = "results"

    def __init__(self, ptr, scenario):
        super().__init__(ptr, lib.hsec_result_free)
        self._scenario = scenario  # names and the results document need it
        n = lib.hsec_result_node_count(ptr)
        self.q = np.ctypeslib.as_array(lib.hsec_result_q(ptr), shape=(n,)).copy() if n else np.zeros(0)
        self.orders = (np.ctypeslib.as_array(lib.hsec_result_orders(ptr), shape=(n, 4)).copy()
                       if n else np.zeros((0, 4)))
        self.mode = "dynamic" if lib.hsec_result_mode(ptr) == 1 else "static"
        self.steps = lib.hsec_result_steps(ptr)

    def node(self, name):
        return self._scenario.node(name)

    def series(self, node):
        i = self.node(node) if isinstance(node, str) else int(node)
        values = c_double_p()
        n = ctypes.c_size_t()
        rc = lib.hsec_result_series(ctypes.byref(values), ctypes.byref(n), self._p, i)
        if rc != 0:
            raise BadInput(rc, f"node {node!r} was not recorded (or the run was static)")
        return np.ctypeslib.as_array(values, shape=(n.value,)).copy()

    def burden(self, part="total", index=0):
        if part not in _BURDEN:
            raise BadInput(-1, f"burden part {part!r} is not one of {', '.join(_BURDEN)}")
        x = ctypes.c_double()
        rc = lib.hsec_result_burden(ctypes.byref(x), self._p, _BURDEN[part], int(index))
        if rc != 0:
            raise BadInput(rc, f"burden {part} [{index}] does not exist")
        return x.value

    def group(self, index, at="last"):
        """(vital-core index, step) of group `index` at "last" or "peak";
        y, the seven dimensions' insecurity, as a numpy array."""
        if at not in ("last", "peak"):
            raise BadInput(-1, f"at {at!r} is not last or peak")
        step = ctypes.c_uint64()
        h = ctypes.c_double()
        y = np.zeros(7)
        rc = lib.hsec_result_group(ctypes.byref(step), ctypes.byref(h),
                                   y.ctypes.data_as(c_double_p), self._p, int(index),
                                   0 if at == "last" else 1)
        if rc != 0:
            raise BadInput(rc, f"no group {index}")
        return h.value, step.value, y

    def to_dict(self):
        """The results document, the same as `hsec run` writes."""
        text = ctypes.c_void_p()
        size = ctypes.c_size_t()
        _check(lib.hsec_doc_results_json(ctypes.byref(text), ctypes.byref(size), self._p,
                                         self._scenario._p))
        try:
            return json.loads(ctypes.string_at(text, size.value))
        finally:
            lib.hsec_free_string(text)


_FORMATS = ("json", "cbor", "container", "container-zlib")


def load(source):
    """A scenario from a document file (JSON, CBOR or container) or a dict."""
    p = vp()
    err = ctypes.create_string_buffer(512)
    if isinstance(source, dict):
        text = json.dumps(source).encode()
        rc = lib.hsec_doc_load_json(ctypes.byref(p), text, len(text), None, err, len(err))
    elif isinstance(source, (str, os.PathLike)):
        rc = lib.hsec_doc_load_file(ctypes.byref(p), os.fsencode(source), None, err, len(err))
    else:
        raise TypeError(f"load takes a path or a dict, not {type(source).__name__}")
    if rc != 0:
        _raise(rc, err.value.decode(errors="replace"))
    return Scenario(p.value)
