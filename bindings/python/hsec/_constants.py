"""The header's numbers the binding relies on, one table per C enumeration.

A binding name is the enumerator without its prefix, in lower case ("-"
for "_" in format names); tests/test_header.py checks every table, both
ways, against include/hsec.h, so that a renumbering cannot go unnoticed.
"""
import ctypes

ERROR = {"ok": 0, "einval": -1, "enomem": -2, "enotfound": -3, "eexist": -4, "enoconv": -5,
         "eio": -6, "eformat": -7, "estate": -8, "ecanceled": -9, "elimit": -10}
DIMENSION = {"economic": 0, "food": 1, "health": 2, "environmental": 3, "personal": 4,
             "community": 5, "political": 6}
ENUM = {"dimension": 0, "flag": 1, "service_kind": 2, "threat_actor": 3, "measure_kind": 4,
        "measure_actor": 5, "effect": 6, "phase": 7, "topic": 8, "branch": 9}
PARAM = {"vulnerability": 0, "recovery": 1, "recovery_time": 2, "weight": 3, "baseline": 4,
         "initial": 5, "onset": 6, "onset_time": 7}
TIMING = {"start": 0, "duration": 1, "likelihood": 2, "ramp": 3, "cost": 4}
UNCERTAIN = {"weights": 0, "magnitudes": 1, "recovery": 2}
AT = {"last": 0, "peak": 1}
BURDEN = {"total": 0, "baseline": 1, "propagated": 2, "band": 3, "order": 4, "threat": 5,
          "actor": 6, "region": 7, "initial": 8, "group": 9, "topic": 10, "flag": 11,
          "flag_propagated": 12}
BRANCH = {"none": 0, "g1_personnel": 1, "g2_intelligence": 2, "g3_operations": 3,
          "g4_logistics": 4, "g5_plans": 5, "g7_training": 6, "g8_resources": 7, "g9_cimic": 8,
          "military_police": 9, "medical": 10, "engineering": 11, "information_operations": 12,
          "other": 13}
FORMAT = {"json": 0, "cbor": 1, "container": 2, "container-zlib": 3}
LIMIT = {"nodes": 0, "links": 1, "string": 2, "depth": 3, "size": 4, "ratio": 5,
         "memory": 6}
WARNING = {"never_in_force": 1, "unreachable": 2, "empty_group": 3, "flat_series": 4}

# C enumeration: (prefix of its enumerators, the binding's table)
ENUMS = {
    "hsec_error": ("HSEC_", ERROR),
    "hsec_dimension": ("HSEC_DIM_", DIMENSION),
    "hsec_enum": ("HSEC_ENUM_", ENUM),
    "hsec_param": ("HSEC_PARAM_", PARAM),
    "hsec_timing": ("HSEC_TIMING_", TIMING),
    "hsec_uncertain": ("HSEC_UNCERTAIN_", UNCERTAIN),
    "hsec_at": ("HSEC_AT_", AT),
    "hsec_burden": ("HSEC_BURDEN_", BURDEN),
    "hsec_format": ("HSEC_FORMAT_", FORMAT),
    "hsec_limit": ("HSEC_LIMIT_", LIMIT),
    "hsec_warning": ("HSEC_WARN_", WARNING),
    "hsec_branch": ("HSEC_BRANCH_", BRANCH),
}

MODE = {"static": 0, "dynamic": 1}
PERSISTENT = -1.0
NO_INDEX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1
ORDER_COUNT = 4
BAND_COUNT = 3
FREEDOM_COUNT = 3
TOPIC_COUNT = 5
FLAG_COUNT = 8
IMPACT_COUNT = 5
LABEL_MAX = 1024
AF_COUNT = 3
SEARCH_EXACT_MAX = 24
SEARCH_CHECK_MAX = 12

DEFINES = {
    "HSEC_MODE_STATIC": MODE["static"],
    "HSEC_MODE_DYNAMIC": MODE["dynamic"],
    "HSEC_PERSISTENT": PERSISTENT,
    "HSEC_NO_INDEX": NO_INDEX,
    "HSEC_DIM_COUNT": len(DIMENSION),
    "HSEC_PARAM_COUNT": len(PARAM),
    "HSEC_UNCERTAIN_COUNT": len(UNCERTAIN),
    "HSEC_FORMAT_COUNT": len(FORMAT),
    "HSEC_LIMIT_COUNT": len(LIMIT),
    "HSEC_ORDER_COUNT": ORDER_COUNT,
    "HSEC_BAND_COUNT": BAND_COUNT,
    "HSEC_FREEDOM_COUNT": FREEDOM_COUNT,
    "HSEC_TOPIC_COUNT": TOPIC_COUNT,
    "HSEC_FLAG_COUNT": FLAG_COUNT,
    "HSEC_BRANCH_COUNT": len(BRANCH),
    "HSEC_IMPACT_COUNT": IMPACT_COUNT,
    "HSEC_LABEL_MAX": LABEL_MAX,
    "HSEC_AF_COUNT": AF_COUNT,
    "HSEC_SEARCH_EXACT_MAX": SEARCH_EXACT_MAX,
    "HSEC_SEARCH_CHECK_MAX": SEARCH_CHECK_MAX,
}
SUBSET_NONE = (1 << 64) - 1
