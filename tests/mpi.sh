#!/bin/sh
# hsec-mpi on 1, 2 and 3 ranks writes exactly, byte for byte, what hsec
# writes for the same command and options (ensemble, compare, optimize
# --exact; json, text, csv; -o FILE), on the examples and on a generated
# model; a failing rank (HSEC_MPI_FAIL_RANK) or a bad scenario ends the job
# with a nonzero status and a message naming the rank.
#   mpi.sh HSEC HSEC_MPI MPIRUN EXAMPLES_DIR
set -eu
hsec=$1 mpi=$2 mpirun=$3 examples=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsec-mpi-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
root=""
[ "$(id -u)" -ne 0 ] || root=--allow-run-as-root
fails=0 checks=0

# Under AddressSanitizer, leak checking is off for the MPI jobs only: Open
# MPI keeps allocations until exit in code built without frame pointers,
# whose leaks cannot be told from hsec-mpi's (every other check stays on,
# and hsec itself keeps leak checking).
asan_mpi="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpirun_() {
    ASAN_OPTIONS="$asan_mpi" "$mpirun" $root --oversubscribe "$@"
}

run_n() { # ranks, then hsec-mpi's arguments
    n=$1
    shift
    mpirun_ -n "$n" "$mpi" "$@"
}

same() { # ranks, then the command and its options
    n=$1
    shift
    checks=$((checks + 1))
    "$hsec" "$@" > "$tmp/one" 2> "$tmp/one.err" || { echo "hsec $*: failed"; cat "$tmp/one.err"; fails=$((fails + 1)); return 0; }
    if ! run_n "$n" "$@" > "$tmp/many" 2> "$tmp/many.err"; then
        echo "FAIL: -n $n hsec-mpi $*: exit status not 0"
        cat "$tmp/many.err"
        fails=$((fails + 1))
    elif ! cmp -s "$tmp/one" "$tmp/many"; then
        echo "FAIL: -n $n hsec-mpi $*: output differs from hsec's"
        diff "$tmp/one" "$tmp/many" | head -10
        fails=$((fails + 1))
    fi
}

# a generated model: regions with groups and services, threats, measures
# owned by staff branches, packages, uncertainty, a dynamic run
python3 - "$tmp/generated.json" <<'PY'
import json, sys
regions, groups, services, links, threats, measures = [{"id": "country"}], [], [], [], [], []
kinds = ["energy", "water", "health_care", "food_production"]
for r in range(5):
    reg = f"r{r}"
    regions.append({"id": reg, "parent": "country"})
    for k, kind in enumerate(kinds):
        services.append({"id": f"{reg}_{kind}", "kind": kind, "region": reg,
                         "recovery": round(0.05 + 0.03 * ((r + k) % 5), 3)})
    for a in range(len(kinds)):
        for b in range(len(kinds)):
            if a != b and (a + b + r) % 3 == 0:
                links.append({"from": f"{reg}_{kinds[a]}", "to": f"{reg}_{kinds[b]}",
                              "weight": round(0.2 + 0.1 * ((a * 3 + b + r) % 5), 2)})
    for g in range(3):
        groups.append({"id": f"{reg}_g{g}", "region": reg, "size": 10000 * (g + 1) + 1000 * r,
                       "flags": [["elderly"], ["children"], ["displaced"]][g],
                       "vulnerability": {"health": 1 + 0.1 * g, "food": 1.2 - 0.1 * g},
                       "recovery": 0.05 + 0.02 * g})
    if r:
        links.append({"from": f"r{r - 1}_energy", "to": f"{reg}_energy", "weight": 0.3})
for t in range(2):
    threats.append({"id": f"t{t}", "actor": ["adversary", "natural"][t], "start": t, "duration": 20,
                    "targets": [{"node": f"r{r}_{kinds[t]}", "magnitude": 0.3 + 0.1 * r}
                                for r in range(t, 5, 2)]})
branches = ["engineering", "medical", "g3_operations", "g9_cimic"]
for m in range(8):
    r, kind = m % 5, kinds[m % 4]
    measures.append({"id": f"m{m}", "kind": "protection", "actor": "military", "effect": "shield",
                     "fraction": 0.2 + 0.05 * m, "start": 2, "ramp": 3, "cost": 1000 * (m + 2),
                     "branch": branches[m % 4], "targets": [{"node": f"r{r}_{kind}"}]})
doc = {"hsec": 1, "name": "generated", "regions": regions, "groups": groups,
       "services": services, "templates": ["dimensions", "services"], "links": links,
       "threats": threats, "measures": measures,
       "packages": [{"id": "p0", "measures": ["m0", "m1", "m2"]},
                    {"id": "p1", "measures": ["m3", "m4"]},
                    {"id": "p2", "measures": ["m5", "m6", "m7"]}],
       "uncertainty": {"weights": [0.8, 1, 1.2], "magnitudes": [0.7, 1, 1.1],
                       "recovery": [0.8, 1, 1.3], "members": 11},
       "run": {"mode": "dynamic", "steps": 30, "record": ["r0_energy", "r1_g0.health"]}}
json.dump(doc, open(sys.argv[1], "w"), indent=1)
PY
"$hsec" validate "$tmp/generated.json" 2> /dev/null || { echo "the generated model does not load"; "$hsec" validate "$tmp/generated.json"; exit 1; }

# every split of the generated model and of one example, every format
for s in "$tmp/generated.json" "$examples/energy-cascade.json"; do
    for n in 1 2 3; do
        for f in json text csv; do
            same $n ensemble "$s" --members 7 --format $f
            same $n compare "$s" --format $f
        done
        for f in json text; do
            same $n optimize "$s" --budget 9000 --exact --format $f
        done
    done
done
# the other examples on three ranks; options as hsec takes them
for s in "$examples"/*.json; do
    case $s in */energy-cascade.json) continue ;; esac
    same 3 ensemble "$s" --members 5 --format text
    same 3 compare "$s" --format json
    same 3 optimize "$s" --budget 5e6 --exact --format json
done
same 2 ensemble "$tmp/generated.json" --threads 2 --package p1 --format json
same 2 compare "$examples/collective-defence.json" --format text # branches, tasks, topics
same 3 ensemble --max-memory 1G "$tmp/generated.json" --measures m0,m5 --members 4
same 2 optimize "$tmp/generated.json" --budget 5000 --format text # greedy, checked by exact

# -o FILE: the same bytes as hsec's file
checks=$((checks + 1))
"$hsec" ensemble "$tmp/generated.json" --members 6 --format csv -o "$tmp/one.csv"
run_n 3 ensemble "$tmp/generated.json" --members 6 --format csv -o "$tmp/many.csv"
cmp "$tmp/one.csv" "$tmp/many.csv" || { echo "FAIL: -o differs"; fails=$((fails + 1)); }

# a failing rank ends the job: nonzero, promptly (timeout: never a hang),
# the rank named, no output written
for r in 0 2; do
    checks=$((checks + 1))
    st=0
    HSEC_MPI_FAIL_RANK=$r timeout 60 env ASAN_OPTIONS="$asan_mpi" "$mpirun" $root --oversubscribe -n 3 "$mpi" ensemble \
        "$tmp/generated.json" --members 30 -o "$tmp/failed.json" 2> "$tmp/fail.err" || st=$?
    if [ $st -eq 0 ] || [ $st -eq 124 ] || ! grep -q "hsec-mpi: rank $r: " "$tmp/fail.err" ||
        [ -e "$tmp/failed.json" ]; then
        echo "FAIL: HSEC_MPI_FAIL_RANK=$r: status $st"
        cat "$tmp/fail.err"
        fails=$((fails + 1))
    fi
done
# a rank that fails after its share of a comparison
checks=$((checks + 1))
st=0
HSEC_MPI_FAIL_RANK=2 timeout 60 env ASAN_OPTIONS="$asan_mpi" "$mpirun" $root --oversubscribe -n 3 "$mpi" compare \
    "$examples/collective-defence.json" -o "$tmp/failed.json" 2> "$tmp/fail.err" || st=$?
if [ $st -eq 0 ] || [ $st -eq 124 ] || ! grep -q "hsec-mpi: rank 2: " "$tmp/fail.err" ||
    [ -e "$tmp/failed.json" ]; then
    echo "FAIL: compare with a failing rank: status $st"
    cat "$tmp/fail.err"
    fails=$((fails + 1))
fi
checks=$((checks + 1))
st=0
HSEC_MPI_FAIL_RANK=1 timeout 60 env ASAN_OPTIONS="$asan_mpi" "$mpirun" $root --oversubscribe -n 2 "$mpi" optimize \
    "$tmp/generated.json" --budget 9000 --exact 2> "$tmp/fail.err" > /dev/null || st=$?
if [ $st -eq 0 ] || [ $st -eq 124 ] || ! grep -q "hsec-mpi: rank 1: " "$tmp/fail.err"; then
    echo "FAIL: optimize with a failing rank: status $st"
    cat "$tmp/fail.err"
    fails=$((fails + 1))
fi
# a bad scenario: every rank fails to load it
checks=$((checks + 1))
printf '{"hsec": 1, "groups": [{"id": "a", "size": -1}]}' > "$tmp/bad.json"
st=0
timeout 60 env ASAN_OPTIONS="$asan_mpi" "$mpirun" $root --oversubscribe -n 2 "$mpi" compare "$tmp/bad.json" \
    2> "$tmp/bad.err" > /dev/null || st=$?
if [ $st -eq 0 ] || [ $st -eq 124 ] || ! grep -q "hsec-mpi: rank [01]: .*bad.json" "$tmp/bad.err"; then
    echo "FAIL: a bad scenario: status $st"
    cat "$tmp/bad.err"
    fails=$((fails + 1))
fi
# a usage error: status 2 from every rank, the message once
checks=$((checks + 1))
st=0
run_n 2 ensemble "$tmp/generated.json" --members 0 2> "$tmp/usage.err" > /dev/null || st=$?
if [ $st -ne 2 ] || [ "$(grep -c -- '--members 0' "$tmp/usage.err")" -ne 1 ]; then
    echo "FAIL: a usage error: status $st"
    cat "$tmp/usage.err"
    fails=$((fails + 1))
fi

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
