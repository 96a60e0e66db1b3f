"""Loading libhsec and declaring its functions (ctypes)."""
import ctypes
import os
import subprocess

SONAME = "libhsec.so.1"
# The major version of the soname: within it the library only adds, so any
# 1.x serves a binding written for 1.0.
VERSION_MAJOR = 1


def _candidates():
    """Where libhsec is looked for, in order: HSEC_LIBRARY (a path, set to
    choose another library), the copy installed inside the package by its
    meson-python build, pkg-config's libdir, the system's library path."""
    env = os.environ.get("HSEC_LIBRARY")
    if env:
        yield env
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), SONAME)
    if os.path.exists(bundled):
        yield bundled
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "hsec"], check=True,
                                capture_output=True, text=True).stdout.strip()
        if libdir:
            yield os.path.join(libdir, SONAME)
    except (OSError, subprocess.CalledProcessError):
        pass
    yield SONAME


LOADED_FROM = ""  # the path _load loaded the library from


def _load():
    global LOADED_FROM
    tried = []
    for path in _candidates():
        try:
            handle = ctypes.CDLL(path)
            LOADED_FROM = path
            return handle
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError(f"hsec: cannot load {SONAME}; install the package with its library "
                      "(pip install ./bindings/python), set HSEC_LIBRARY to its path or "
                      "install the library where pkg-config finds it (" + "; ".join(tried) + ")")


def accepts(version_number):
    """Whether this binding works with a library of that hsec_version_number()."""
    return version_number // 10000 == VERSION_MAJOR


lib = _load()

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_p = ctypes.POINTER(ctypes.c_size_t)
c_int_p = ctypes.POINTER(ctypes.c_int)
c_uint64_p = ctypes.POINTER(ctypes.c_uint64)
vp = ctypes.c_void_p
vpp = ctypes.POINTER(vp)
size = ctypes.c_size_t
dbl = ctypes.c_double
i32 = ctypes.c_int
cstr = ctypes.c_char_p
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)


class IoTable(ctypes.Structure):
    """struct hsec_io_table (version 1)."""
    _fields_ = [("version", ctypes.c_uint), ("n", ctypes.c_size_t),
                ("z", c_double_p), ("x", c_double_p), ("y", c_double_p),
                ("k", ctypes.c_size_t),
                ("sectors", ctypes.POINTER(ctypes.c_char_p)),
                ("regions", ctypes.POINTER(ctypes.c_char_p)),
                ("region", ctypes.c_char_p), ("model", ctypes.c_int),
                ("min_weight", ctypes.c_double)]


IO_TABLE_VERSION = 1


class ReportOptions(ctypes.Structure):
    """struct hsec_report_options (version 1)."""
    _fields_ = [("version", ctypes.c_uint), ("title", ctypes.c_char_p),
                ("mask", ctypes.c_char_p), ("mask_len", ctypes.c_size_t),
                ("ensemble_members", ctypes.c_uint64), ("progress", PROGRESS),
                ("progress_user", ctypes.c_void_p)]


REPORT_OPTIONS_VERSION = 1

_SIGNATURES = {
    "hsec_version_number": (i32, []),
    "hsec_version_string": (cstr, []),
    "hsec_strerror": (cstr, [i32]),
    "hsec_last_errmsg": (cstr, []),
    "hsec_last_errmsg_set": (i32, [i32, cstr]),
    "hsec_enum_value": (i32, [c_int_p, i32, cstr]),
    "hsec_enum_name": (cstr, [i32, i32]),
    "hsec_phase_of": (i32, [dbl]),
    "hsec_model_new": (i32, [vpp, vp]),
    "hsec_model_free": (None, [vp]),
    "hsec_model_errmsg": (cstr, [vp]),
    "hsec_model_add_region": (i32, [vp, cstr, cstr]),
    "hsec_model_add_group": (i32, [vp, cstr, cstr, dbl]),
    "hsec_model_set_group_flags": (i32, [vp, cstr, ctypes.c_uint]),
    "hsec_model_add_service": (i32, [vp, cstr, i32, cstr]),
    "hsec_model_set": (i32, [vp, cstr, i32, dbl]),
    "hsec_model_add_link": (i32, [vp, cstr, cstr, dbl, dbl]),
    "hsec_model_use_template": (i32, [vp, cstr]),
    "hsec_model_compile": (i32, [vpp, vp]),
    "hsec_compiled_free": (None, [vp]),
    "hsec_compiled_node_count": (size, [vp]),
    "hsec_compiled_node_name": (cstr, [vp, size]),
    "hsec_compiled_find_node": (i32, [c_size_p, vp, cstr]),
    "hsec_compiled_link_count": (size, [vp]),
    "hsec_compiled_links": (i32, [c_size_p, c_size_p, c_double_p, c_uint64_p, size, vp]),
    "hsec_compiled_region_count": (size, [vp]),
    "hsec_compiled_region_id": (cstr, [vp, size]),
    "hsec_compiled_region_parent": (i32, [c_size_p, vp, size]),
    "hsec_compiled_group_count": (size, [vp]),
    "hsec_compiled_group_id": (cstr, [vp, size]),
    "hsec_compiled_group_region": (size, [vp, size]),
    "hsec_compiled_group_node": (size, [vp, size]),
    "hsec_compiled_group_size": (dbl, [vp, size]),
    "hsec_compiled_group_flags": (i32, [ctypes.POINTER(ctypes.c_uint), vp, size]),
    "hsec_compiled_group_weight": (dbl, [vp, size, i32]),
    "hsec_compiled_group_baseline": (dbl, [vp, size, i32]),
    "hsec_compiled_service_count": (size, [vp]),
    "hsec_compiled_service_id": (cstr, [vp, size]),
    "hsec_compiled_service": (i32, [c_int_p, c_size_p, c_size_p, vp, size]),
    "hsec_compiled_params": (i32, [c_double_p, size, vp, i32]),
    "hsec_scenario_new": (i32, [vpp, vp]),
    "hsec_scenario_free": (None, [vp]),
    "hsec_scenario_errmsg": (cstr, [vp]),
    "hsec_scenario_compiled": (vp, [vp]),
    "hsec_scenario_add_threat": (i32, [vp, cstr, i32]),
    "hsec_scenario_set_threat": (i32, [vp, cstr, i32, dbl]),
    "hsec_scenario_add_threat_target": (i32, [vp, cstr, cstr, dbl]),
    "hsec_scenario_add_measure": (i32, [vp, cstr, i32, i32, i32, dbl]),
    "hsec_scenario_set_measure": (i32, [vp, cstr, i32, dbl]),
    "hsec_scenario_add_measure_target": (i32, [vp, cstr, cstr]),
    "hsec_scenario_add_measure_link": (i32, [vp, cstr, cstr, cstr]),
    "hsec_scenario_add_package": (i32, [vp, cstr]),
    "hsec_scenario_package_add": (i32, [vp, cstr, cstr]),
    "hsec_scenario_set_option": (i32, [vp, i32, dbl]),
    "hsec_scenario_get_option": (i32, [c_double_p, vp, i32]),
    "hsec_option_bounds": (i32, [c_double_p, c_double_p, i32]),
    "hsec_option_default": (i32, [c_double_p, i32]),
    "hsec_option_whole": (i32, [c_int_p, i32]),
    "hsec_option_key": (cstr, [i32]),
    "hsec_scenario_record": (i32, [vp, cstr]),
    "hsec_scenario_set_progress": (i32, [vp, PROGRESS, vp]),
    "hsec_scenario_threat_count": (size, [vp]),
    "hsec_scenario_threat_id": (cstr, [vp, size]),
    "hsec_scenario_threat_actor": (i32, [c_int_p, vp, size]),
    "hsec_scenario_threat_timing": (i32, [c_double_p, vp, size, i32]),
    "hsec_scenario_threat_target_count": (size, [vp, size]),
    "hsec_scenario_threat_targets": (i32, [c_size_p, c_double_p, size, vp, size]),
    "hsec_scenario_measure_count": (size, [vp]),
    "hsec_scenario_measure_id": (cstr, [vp, size]),
    "hsec_scenario_measure_kind": (i32, [c_int_p, vp, size]),
    "hsec_scenario_measure_effect": (i32, [c_int_p, c_int_p, c_double_p, vp, size]),
    "hsec_scenario_measure_timing": (i32, [c_double_p, vp, size, i32]),
    "hsec_scenario_measure_target_count": (size, [vp, size]),
    "hsec_scenario_measure_targets": (i32, [c_size_p, size, vp, size]),
    "hsec_scenario_package_count": (size, [vp]),
    "hsec_scenario_package_id": (cstr, [vp, size]),
    "hsec_scenario_package_size": (size, [vp, size]),
    "hsec_scenario_package_measures": (i32, [c_size_p, size, vp, size]),
    "hsec_scenario_package_cost": (dbl, [vp, size]),
    "hsec_scenario_set_uncertainty": (i32, [vp, i32, dbl, dbl, dbl]),
    "hsec_scenario_get_uncertainty": (i32, [c_double_p, c_double_p, c_double_p, vp, i32]),
    "hsec_scenario_run": (i32, [vpp, vp]),
    "hsec_scenario_run_with": (i32, [vpp, vp, cstr, size]),
    "hsec_scenario_compare": (i32, [vpp, size, vp]),
    "hsec_scenario_rank": (i32, [c_double_p, size, vp]),
    "hsec_scenario_rank_with": (i32, [c_double_p, size, vp, cstr, size]),
    "hsec_scenario_package_mask": (i32, [cstr, size, vp, size]),
    "hsec_warning_name": (cstr, [i32]),
    "hsec_scenario_diagnose": (i32, [vp]),
    "hsec_scenario_diagnostic_count": (size, [vp]),
    "hsec_scenario_diagnostic": (i32, [c_int_p, ctypes.POINTER(cstr), vp, size]),
    "hsec_result_diagnostic_count": (size, [vp]),
    "hsec_result_diagnostic": (i32, [c_int_p, ctypes.POINTER(cstr), vp, size]),
    "hsec_result_measure_count": (size, [vp]),
    "hsec_result_measures": (i32, [ctypes.c_char_p, size, vp]),
    "hsec_rank_order": (i32, [c_size_p, c_double_p, size]),
    "hsec_scenario_operator": (i32, [c_double_p, c_double_p, c_double_p, vp, cstr, size,
                                     ctypes.c_int64]),
    "hsec_scenario_onset_rates": (i32, [c_double_p, size, vp]),
    "hsec_result_free": (None, [vp]),
    "hsec_result_mode": (i32, [vp]),
    "hsec_result_steps": (ctypes.c_uint64, [vp]),
    "hsec_result_node_count": (size, [vp]),
    "hsec_result_q": (c_double_p, [vp]),
    "hsec_result_orders": (c_double_p, [vp]),
    "hsec_result_series": (i32, [ctypes.POINTER(c_double_p), c_size_p, vp, size]),
    "hsec_result_group": (i32, [c_uint64_p, c_double_p, c_double_p, size, vp, size, i32]),
    "hsec_result_group_orders": (i32, [c_double_p, size, vp, size, i32]),
    "hsec_result_group_freedoms": (i32, [c_double_p, size, vp, size, i32]),
    "hsec_result_multidimensional": (i32, [c_double_p, size, vp, i32]),
    "hsec_result_burden": (i32, [c_double_p, vp, i32, size]),
    "hsec_loader_new": (i32, [vpp, vp]),
    "hsec_loader_free": (None, [vp]),
    "hsec_loader_errmsg": (cstr, [vp]),
    "hsec_loader_set_limit": (i32, [vp, i32, ctypes.c_uint64]),
    "hsec_loader_load": (i32, [vpp, vp, cstr, size]),
    "hsec_loader_load_file": (i32, [vpp, vp, cstr]),
    "hsec_loader_merge_files": (i32, [vp, ctypes.POINTER(cstr), size, cstr, i32]),
    "hsec_loader_import_csv": (i32, [vp, ctypes.POINTER(cstr), ctypes.POINTER(cstr), size,
                                     cstr, i32]),
    "hsec_loader_export_csv": (i32, [vp, cstr, cstr]),
    "hsec_doc_save_scenario": (i32, [cstr, vp, i32]),
    "hsec_doc_results_json": (i32, [vpp, c_size_p, vp, vp]),
    "hsec_doc_compare_json": (i32, [vpp, c_size_p, vpp, size, vp]),
    "hsec_doc_compare_json_with": (i32, [vpp, c_size_p, vpp, size, vp, c_double_p, size]),
    "hsec_model_set_label": (i32, [vp, cstr, cstr]),
    "hsec_model_add_io_table": (i32, [ctypes.POINTER(ctypes.c_char_p), c_double_p, size, vp,
                                      ctypes.POINTER(IoTable)]),
    "hsec_compiled_region_label": (cstr, [vp, size]),
    "hsec_compiled_service_label": (cstr, [vp, size]),
    "hsec_scenario_set_threat_topics": (i32, [vp, cstr, ctypes.c_uint]),
    "hsec_scenario_set_measure_topics": (i32, [vp, cstr, ctypes.c_uint]),
    "hsec_scenario_set_measure_branch": (i32, [vp, cstr, i32]),
    "hsec_scenario_threat_topics": (i32, [ctypes.POINTER(ctypes.c_uint), vp, size]),
    "hsec_scenario_measure_topics": (i32, [ctypes.POINTER(ctypes.c_uint), vp, size]),
    "hsec_scenario_measure_branch": (i32, [c_int_p, vp, size]),
    "hsec_result_impact": (i32, [c_double_p, size, vp, size]),
    "hsec_scenario_compare_branches": (i32, [c_double_p, size, vp, vp, size]),
    "hsec_doc_report_html": (i32, [vpp, c_size_p, vp, ctypes.POINTER(ReportOptions)]),
    "hsec_free_string": (None, [vp]),
    "hsec_scenario_ensemble": (i32, [vpp, vp, cstr, size]),
    "hsec_scenario_ensemble_range": (i32, [vpp, vp, cstr, size, ctypes.c_uint64,
                                           ctypes.c_uint64]),
    "hsec_ensemble_free": (None, [vp]),
    "hsec_ensemble_members": (ctypes.c_uint64, [vp]),
    "hsec_ensemble_range": (i32, [c_uint64_p, c_uint64_p, c_uint64_p, vp]),
    "hsec_ensemble_values": (i32, [c_double_p, size, vp, i32, size, size]),
    "hsec_ensemble_quantile": (i32, [c_double_p, vp, i32, size, size, dbl]),
    "hsec_ensemble_merge": (i32, [vpp, vpp, size]),
    "hsec_doc_ensemble_save": (i32, [ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)), c_size_p,
                                     vp, vp]),
    "hsec_doc_ensemble_load": (i32, [vpp, vp, ctypes.c_char_p, size]),
    "hsec_free_bytes": (None, [vp]),
    "hsec_doc_compare_part_save": (i32, [ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),
                                         c_size_p, vp, size, size, vp, c_double_p, size]),
    "hsec_doc_compare_json_parts": (i32, [vpp, c_size_p, vp, vp, c_size_p, size, vp]),
    "hsec_nearest": (cstr, [cstr, ctypes.POINTER(cstr), size]),
    "hsec_model_add_links": (i32, [vp, ctypes.POINTER(cstr), ctypes.POINTER(cstr), c_double_p,
                                   c_double_p, size]),
    "hsec_model_add_links_indexed": (i32, [vp, ctypes.POINTER(cstr), size,
                                           ctypes.POINTER(ctypes.c_uint32),
                                           ctypes.POINTER(ctypes.c_uint32), c_double_p,
                                           c_double_p, size]),
    "hsec_model_set_limit": (i32, [vp, i32, ctypes.c_uint64]),
    "hsec_model_get_limit": (i32, [c_uint64_p, vp, i32]),
    "hsec_scenario_set_limit": (i32, [vp, i32, ctypes.c_uint64]),
    "hsec_scenario_get_limit": (i32, [c_uint64_p, vp, i32]),
    "hsec_scenario_memory": (i32, [c_uint64_p, vp]),
    "hsec_scenario_stamp": (ctypes.c_uint64, [vp]),
    "hsec_scenario_set_step_unit": (i32, [vp, cstr]),
    "hsec_scenario_step_unit": (cstr, [vp]),
    "hsec_scenario_recorded": (c_size_p, [vp, c_size_p]),
    "hsec_scenario_set_quantiles": (i32, [vp, c_double_p, size]),
    "hsec_scenario_quantiles": (c_double_p, [vp, c_size_p]),
    "hsec_scenario_coupling_with": (i32, [c_double_p, c_double_p, c_double_p, c_double_p, size,
                                          vp, cstr, size]),
    "hsec_scenario_interdependency": (i32, [c_double_p, vp, size, size, ctypes.c_uint]),
    "hsec_scenario_optimize": (i32, [ctypes.c_char_p, c_double_p, c_double_p, size, vp, dbl,
                                     i32, cstr]),
    "hsec_scenario_optimize_range": (i32, [c_uint64_p, c_double_p, c_double_p, c_double_p, vp,
                                           dbl, cstr, size, ctypes.c_uint64, ctypes.c_uint64]),
    "hsec_optimize_merge": (i32, [c_uint64_p, c_double_p, c_double_p, c_uint64_p, c_double_p,
                                  c_double_p, size]),
    "hsec_scenario_optimize_subset": (i32, [ctypes.c_char_p, size, vp, cstr, ctypes.c_uint64]),
    "hsec_ensemble_measures": (i32, [ctypes.c_char_p, size, vp]),
    "hsec_ensemble_width": (size, [vp]),
    "hsec_ensemble_table": (i32, [c_double_p, size, vp]),
    "hsec_scenario_ensemble_from_table": (i32, [vpp, vp, cstr, size, ctypes.c_uint64,
                                                ctypes.c_uint64, c_double_p, size]),
    "hsec_weight_from_score": (i32, [c_double_p, dbl, dbl, dbl]),
    "hsec_weight_from_scale": (i32, [c_double_p, dbl, i32]),
    "hsec_recovery_rate": (i32, [c_double_p, dbl, dbl, dbl]),
    "hsec_result_group_count": (size, [vp]),
    "hsec_result_threat_count": (size, [vp]),
    "hsec_result_warning": (i32, [ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64),
                                  vp, size, i32]),
    "hsec_result_threat_share": (i32, [c_double_p, c_int_p, vp, size, size]),
    "hsec_result_pervasive": (i32, [c_double_p, c_int_p, vp, size]),
    "hsec_result_group_score": (i32, [c_double_p, c_int_p, vp, size, i32]),
    "hsec_loader_get_limit": (i32, [c_uint64_p, vp, i32]),
    "hsec_loader_convert_file": (i32, [vp, cstr, cstr, i32]),
    "hsec_loader_read_json": (i32, [vpp, c_size_p, vp, cstr]),
    "hsec_write_file": (i32, [cstr, ctypes.c_char_p, size]),
    "hsec_doc_save_results": (i32, [cstr, vp, vp, i32]),
    "hsec_doc_save_part": (i32, [cstr, vp, i32]),
    "hsec_doc_rank_json_with": (i32, [vpp, c_size_p, c_double_p, c_double_p, c_double_p,
                                      c_double_p, c_double_p, size, vp, size, cstr, cstr, size]),
    "hsec_doc_choice_json": (i32, [vpp, c_size_p, cstr, size, dbl, dbl, dbl, vp]),
    "hsec_doc_ensemble_json": (i32, [vpp, c_size_p, vp, c_double_p, size, vp]),
    "hsec_doc_report_html_file": (i32, [vpp, c_size_p, vp, cstr, cstr]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

_version = lib.hsec_version_number()
if not accepts(_version):
    raise ImportError(f"hsec: libhsec {lib.hsec_version_string().decode()} is not of major "
                      f"version {VERSION_MAJOR} ({SONAME}), the one this binding is written for")
