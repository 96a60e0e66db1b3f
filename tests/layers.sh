#!/bin/sh
# The layers of lib/ as the build compiles them (CONVENTIONS.md): for each
# layer, a probe compiled with that layer's own flags (from the build's
# compile_commands.json) must find the headers of its own layer and those
# below, and must fail on every header above it; the document layer must
# find none of the others. No source may reach another folder by a path.
#   layers.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
db=$build/compile_commands.json
[ -f "$db" ] || { echo "no $db"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsec-layers-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if grep -rn '#include "\.\./\|#include ".*/' "$src/lib" --include='*.[ch]'; then
    echo "FAIL: an include reaches into another folder by a path"; exit 1
fi

order="base model scenario engine results decide"
# the layers' headers (results and decide read the engine's)
header() { case $1 in results | decide) echo engine.h ;; *) echo "$1.h" ;; esac; }
status=0

# the folders of lib/ on each layer's include path: its own and those below
python3 - "$db" "$src/lib" $order <<'PY' || status=1
import json, os, shlex, sys
db, lib, order = sys.argv[1], os.path.normpath(sys.argv[2]), sys.argv[3:]
layers = order + ["doc"]
bad = False
for e in json.load(open(db)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if not f.startswith(lib + os.sep):
        continue
    layer = os.path.relpath(f, lib).split(os.sep)[0]
    args = e.get("arguments") or shlex.split(e["command"])
    dirs = set()
    for i, a in enumerate(args):
        d = a[2:] if a.startswith("-I") and len(a) > 2 else (args[i + 1] if a == "-I" else None)
        if d is None:
            continue
        d = os.path.normpath(os.path.join(e["directory"], d))
        if d.startswith(lib + os.sep) and os.path.relpath(d, lib).split(os.sep)[0] in layers:
            dirs.add(os.path.relpath(d, lib).split(os.sep)[0])
    allowed = {"doc"} if layer == "doc" else set(order[:order.index(layer) + 1])
    if not dirs <= allowed:
        print(f"FAIL: {os.path.relpath(f, lib)} sees lib/{', lib/'.join(sorted(dirs - allowed))}")
        bad = True
sys.exit(1 if bad else 0)
PY

# probe LAYER HEADER: 0 when a source of LAYER compiles an #include of HEADER
probe() {
    cmd=$(python3 - "$db" "$src/lib/$1/" "$tmp/probe.c" <<'PY'
import json, shlex, sys
db, folder, probe = sys.argv[1], sys.argv[2], sys.argv[3]
import os
for e in json.load(open(db)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f.startswith(os.path.normpath(folder) + os.sep):
        args = e.get("arguments") or shlex.split(e["command"])
        out = []
        skip = False
        for a in args:
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MQ", "-MT"):
                skip = True
                continue
            if a in ("-c", "-MD") or a == e["file"]:
                continue
            out.append(a)
        print("cd " + shlex.quote(e["directory"]) + " && " + " ".join(map(shlex.quote, out)) +
              " -fsyntax-only " + shlex.quote(probe))
        break
PY
)
    [ -n "$cmd" ] || { echo "no compile command for lib/$1"; exit 1; }
    printf '#include "%s"\nint hsec_layer_probe(void);\nint hsec_layer_probe(void) { return 0; }\n' "$2" > "$tmp/probe.c"
    sh -c "$cmd" > "$tmp/out" 2>&1
}

seen=""
for layer in $order; do
    seen="$seen $layer"
    for h in $seen; do # its own and those below: found
        hh=$(header "$h")
        if ! probe "$layer" "$hh"; then
            echo "FAIL: lib/$layer cannot include $hh"; cat "$tmp/out"; status=1
        fi
    done
    above=0
    own=""
    for h in $seen; do own="$own $(header "$h")"; done
    for hh in base.h model.h scenario.h engine.h doc.h; do # those above: refused
        case " $own " in *" $hh "*) continue ;; esac
        if probe "$layer" "$hh"; then
            echo "FAIL: lib/$layer can include $hh, a layer above it"; status=1
        else
            above=$((above + 1))
        fi
    done
    echo "lib/$layer: sees its own and lower headers; $above header(s) above refused"
done
for hh in base.h model.h scenario.h engine.h; do
    if probe doc "$hh"; then
        echo "FAIL: lib/doc can include $hh"; status=1
    fi
done
probe doc hsec.h || { echo "FAIL: lib/doc cannot include hsec.h"; cat "$tmp/out"; status=1; }
probe doc doc.h || { echo "FAIL: lib/doc cannot include doc.h"; cat "$tmp/out"; status=1; }
echo "lib/doc: sees hsec.h and its own headers only"
exit $status
