"""Loading libhsec and declaring its functions (ctypes)."""
import ctypes
import ctypes.util
import os
import subprocess

VERSION_MIN = 100     # 0.1.0
VERSION_LIMIT = 10000  # below 1.0.0: the API this binding was written for


def _candidates():
    env = os.environ.get("HSEC_LIBRARY")
    if env:
        yield env
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "hsec"], check=True,
                                capture_output=True, text=True).stdout.strip()
        if libdir:
            yield os.path.join(libdir, "libhsec.so.1")
    except (OSError, subprocess.CalledProcessError):
        pass
    found = ctypes.util.find_library("hsec")
    if found:
        yield found
    yield "libhsec.so.1"


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("hsec: cannot load libhsec.so.1; set HSEC_LIBRARY to its path or "
                      "install the library where pkg-config finds it (" + "; ".join(tried) + ")")


lib = _load()

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_p = ctypes.POINTER(ctypes.c_size_t)
vp = ctypes.c_void_p
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)

_SIGNATURES = {
    "hsec_version_number": (ctypes.c_int, []),
    "hsec_version_string": (ctypes.c_char_p, []),
    "hsec_strerror": (ctypes.c_char_p, [ctypes.c_int]),
    "hsec_enum_value": (ctypes.c_int, [ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.c_char_p]),
    "hsec_enum_name": (ctypes.c_char_p, [ctypes.c_int, ctypes.c_int]),
    "hsec_phase_of": (ctypes.c_int, [ctypes.c_double]),
    "hsec_model_new": (ctypes.c_int, [ctypes.POINTER(vp), vp]),
    "hsec_model_free": (None, [vp]),
    "hsec_model_errmsg": (ctypes.c_char_p, [vp]),
    "hsec_model_add_region": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p]),
    "hsec_model_add_group": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double]),
    "hsec_model_set_group_flags": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_uint]),
    "hsec_model_add_service": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]),
    "hsec_model_set": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_double]),
    "hsec_model_add_link": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double,
                                           ctypes.c_double]),
    "hsec_model_use_template": (ctypes.c_int, [vp, ctypes.c_char_p]),
    "hsec_model_compile": (ctypes.c_int, [ctypes.POINTER(vp), vp]),
    "hsec_compiled_free": (None, [vp]),
    "hsec_compiled_node_count": (ctypes.c_size_t, [vp]),
    "hsec_compiled_node_name": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_compiled_find_node": (ctypes.c_int, [c_size_p, vp, ctypes.c_char_p]),
    "hsec_compiled_group_count": (ctypes.c_size_t, [vp]),
    "hsec_compiled_group_id": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_compiled_link_count": (ctypes.c_size_t, [vp]),
    "hsec_compiled_links": (ctypes.c_int, [c_size_p, c_size_p, c_double_p,
                                           ctypes.POINTER(ctypes.c_uint64), ctypes.c_size_t, vp]),
    "hsec_compiled_group_node": (ctypes.c_size_t, [vp, ctypes.c_size_t]),
    "hsec_compiled_group_size": (ctypes.c_double, [vp, ctypes.c_size_t]),
    "hsec_compiled_group_weight": (ctypes.c_double, [vp, ctypes.c_size_t, ctypes.c_int]),
    "hsec_compiled_region_count": (ctypes.c_size_t, [vp]),
    "hsec_compiled_region_id": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_scenario_new": (ctypes.c_int, [ctypes.POINTER(vp), vp]),
    "hsec_scenario_free": (None, [vp]),
    "hsec_scenario_errmsg": (ctypes.c_char_p, [vp]),
    "hsec_scenario_compiled": (vp, [vp]),
    "hsec_scenario_add_threat": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int]),
    "hsec_scenario_set_threat": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_double]),
    "hsec_scenario_add_threat_target": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p,
                                                       ctypes.c_double]),
    "hsec_scenario_add_measure": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
                                                 ctypes.c_int, ctypes.c_double]),
    "hsec_scenario_set_measure": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_double]),
    "hsec_scenario_add_measure_target": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p]),
    "hsec_scenario_add_measure_link": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p,
                                                      ctypes.c_char_p]),
    "hsec_scenario_set_option": (ctypes.c_int, [vp, ctypes.c_int, ctypes.c_double]),
    "hsec_scenario_get_option": (ctypes.c_int, [c_double_p, vp, ctypes.c_int]),
    "hsec_scenario_record": (ctypes.c_int, [vp, ctypes.c_char_p]),
    "hsec_scenario_set_progress": (ctypes.c_int, [vp, PROGRESS, vp]),
    "hsec_scenario_threat_count": (ctypes.c_size_t, [vp]),
    "hsec_scenario_threat_id": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_scenario_measure_count": (ctypes.c_size_t, [vp]),
    "hsec_scenario_measure_id": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_scenario_package_count": (ctypes.c_size_t, [vp]),
    "hsec_scenario_package_id": (ctypes.c_char_p, [vp, ctypes.c_size_t]),
    "hsec_scenario_run": (ctypes.c_int, [ctypes.POINTER(vp), vp]),
    "hsec_scenario_run_with": (ctypes.c_int, [ctypes.POINTER(vp), vp, ctypes.c_char_p]),
    "hsec_scenario_compare": (ctypes.c_int, [ctypes.POINTER(vp), ctypes.c_size_t, vp]),
    "hsec_scenario_rank": (ctypes.c_int, [c_double_p, ctypes.c_size_t, vp]),
    "hsec_scenario_operator": (ctypes.c_int, [c_double_p, c_double_p, c_double_p, vp,
                                              ctypes.c_char_p, ctypes.c_int64]),
    "hsec_doc_save_scenario": (ctypes.c_int, [ctypes.c_char_p, vp, ctypes.c_int]),
    "hsec_result_free": (None, [vp]),
    "hsec_result_mode": (ctypes.c_int, [vp]),
    "hsec_result_steps": (ctypes.c_uint64, [vp]),
    "hsec_result_node_count": (ctypes.c_size_t, [vp]),
    "hsec_result_q": (c_double_p, [vp]),
    "hsec_result_orders": (c_double_p, [vp]),
    "hsec_result_series": (ctypes.c_int, [ctypes.POINTER(c_double_p), c_size_p, vp, ctypes.c_size_t]),
    "hsec_result_group": (ctypes.c_int, [ctypes.POINTER(ctypes.c_uint64), c_double_p, c_double_p,
                                         vp, ctypes.c_size_t, ctypes.c_int]),
    "hsec_result_burden": (ctypes.c_int, [c_double_p, vp, ctypes.c_int, ctypes.c_size_t]),
    "hsec_doc_load_json": (ctypes.c_int, [ctypes.POINTER(vp), ctypes.c_char_p, ctypes.c_size_t, vp,
                                          ctypes.c_char_p, ctypes.c_size_t]),
    "hsec_doc_load_file": (ctypes.c_int, [ctypes.POINTER(vp), ctypes.c_char_p, vp,
                                          ctypes.c_char_p, ctypes.c_size_t]),
    "hsec_doc_results_json": (ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), c_size_p, vp, vp]),
    "hsec_doc_compare_json": (ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), c_size_p,
                                             ctypes.POINTER(vp), ctypes.c_size_t, vp]),
    "hsec_free_string": (None, [ctypes.c_void_p]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

_version = lib.hsec_version_number()
if not VERSION_MIN <= _version < VERSION_LIMIT:
    raise ImportError(f"hsec: libhsec {lib.hsec_version_string().decode()} is outside the "
                      f"versions this binding accepts ({VERSION_MIN} <= n < {VERSION_LIMIT})")
