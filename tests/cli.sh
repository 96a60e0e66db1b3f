#!/bin/sh
# The hsec program: exit codes, outputs, and files never half-written.
set -u
hsec=$1 examples=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0

check() { # name expected-status command...
    name=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit $got, expected $want"; cat "$tmp/err"; fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}
contains() { # name file text
    if grep -q -- "$3" "$2"; then passes=$((passes + 1)); else
        echo "FAIL $1: $2 lacks '$3'"; sed -n 1,20p "$2"; fails=$((fails + 1)); fi
}

# the version the public header declares
version=$(sed -n 's/^#define HSEC_VERSION_STRING "\(.*\)"$/\1/p' "$examples/../include/hsec.h")
[ -n "$version" ] && passes=$((passes + 1)) || { echo "FAIL: no version in hsec.h"; fails=$((fails + 1)); }
check version 0 "$hsec" --version
contains version "$tmp/out" "^hsec $version\$"
check help 0 "$hsec" --help
contains help "$tmp/out" "validate SCENARIO"
check no-args 2 "$hsec"
check unknown-command 2 "$hsec" frobnicate
check run-no-file 2 "$hsec" run
check run-bad-format 2 "$hsec" run "$examples/energy-cascade.json" --format xml
contains run-bad-format "$tmp/err" "xml is not json or text"
check run-bad-option 2 "$hsec" run --fast "$examples/energy-cascade.json"
check run-two-files 2 "$hsec" run a.json b.json
check run-missing 1 "$hsec" run "$tmp/missing.json"
contains run-missing "$tmp/err" "missing.json"

for ex in sahel-drought-displacement epidemic-conflict; do
    check "compare-$ex" 0 "$hsec" compare --format text "$examples/$ex.json"
    contains "compare-$ex" "$tmp/out" "empowerment"
done
check run-json 0 "$hsec" run "$examples/energy-cascade.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["hsec"] == 1 and d["mode"] == "dynamic"; assert len(d["nodes"]["east_grid"]["series"]) == d["steps"] + 1' "$tmp/out" \
    && passes=$((passes + 1)) || { echo "FAIL run-json: not the results document"; fails=$((fails + 1)); }
check run-text 0 "$hsec" run --format text "$examples/energy-cascade.json"
contains run-text "$tmp/out" "2nd order"
contains run-text "$tmp/out" "3rd order"
contains run-text "$tmp/out" "adversary"
contains run-text "$tmp/out" "east_elderly"
contains run-text "$tmp/out" "per person"
contains run-text "$tmp/out" "MULTIDIMENSIONAL INSECURITY"
contains run-text "$tmp/out" "freedom from fear"

check run-out 0 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/res.json"
python3 -m json.tool "$tmp/res.json" >/dev/null && passes=$((passes + 1)) || { echo "FAIL run-out: bad JSON"; fails=$((fails + 1)); }
[ ! -s "$tmp/out" ] && passes=$((passes + 1)) || { echo "FAIL run-out: wrote to stdout too"; fails=$((fails + 1)); }

# a failed run leaves an existing output file untouched, and no temporary
printf 'precious\n' > "$tmp/keep.json"
printf '{"hsec": 1, "services": [{"id": "a", "kind": "water"}, {"id": "b", "kind": "water"}],
 "links": [{"from": "a", "to": "b", "weight": 1}, {"from": "b", "to": "a", "weight": 1}],
 "threats": [{"id": "t", "targets": [{"node": "a", "magnitude": 0.5}]}],
 "run": {"bounded": false}}' > "$tmp/diverge.json"
check run-diverge 1 "$hsec" run "$tmp/diverge.json" -o "$tmp/keep.json"
contains run-diverge "$tmp/err" "spectral radius"
contains run-diverge-keeps "$tmp/keep.json" "precious"
[ "$(ls -A "$tmp" | grep -c '^\.hsec-.*\.tmp$')" -eq 0 ] && passes=$((passes + 1)) || { echo "FAIL: temporary left behind"; fails=$((fails + 1)); }
check run-unwritable 1 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/no/such/dir/out.json"

check compare-text 0 "$hsec" compare --format text "$examples/energy-cascade.json"
contains compare-text "$tmp/out" "per 1M cost"
contains compare-text "$tmp/out" "empowerment"
check compare-json 0 "$hsec" compare "$examples/energy-cascade.json" -o "$tmp/cmp.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["packages"]; assert set(p) == {"protection", "empowerment"}; assert all(v["averted"]["total"] > 0 for v in p.values())' "$tmp/cmp.json" \
    && passes=$((passes + 1)) || { echo "FAIL compare-json"; fails=$((fails + 1)); }
check compare-no-packages 1 "$hsec" compare "$tmp/diverge.json"
contains compare-no-packages "$tmp/err" "no packages"

check rank-text 0 "$hsec" rank --format text --top 5 "$examples/energy-cascade.json"
contains rank-text "$tmp/out" "WHERE TO PROTECT"
contains rank-text "$tmp/out" "more nodes"
check rank-json 0 "$hsec" rank "$examples/energy-cascade.json" --top 0 -o "$tmp/rank.json"
# every node ranked (services, and seven a group, counted from the scenario), most critical first
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rank"]; d=json.load(open(sys.argv[2])); u=[x["marginal_burden"] for x in r]; assert len(r) == len(d["services"]) + 7 * len(d["groups"]) and u == sorted(u, reverse=True)' "$tmp/rank.json" "$examples/energy-cascade.json" \
    && passes=$((passes + 1)) || { echo "FAIL rank-json"; fails=$((fails + 1)); }
check rank-bad-top 2 "$hsec" rank "$examples/energy-cascade.json" --top many
check rank-diverge 1 "$hsec" rank "$tmp/diverge.json"
contains rank-diverge "$tmp/err" "spectral radius"

# The choices under a budget, derived here: every subset of the measures
# run on its own (a scenario document without the others), the averted
# burden of each from the results documents, then the greedy rule and the
# best subset applied to that table.
cat > "$tmp/choose.py" <<'PY'
import itertools, json, subprocess, sys
hsec, example, tmp, budget, what = sys.argv[1:6]
budget = float(budget)
doc = json.load(open(example))
ms = doc["measures"]
cost = [m.get("cost", 0) for m in ms]
burden = {}
for k in range(len(ms) + 1):
    for sub in itertools.combinations(range(len(ms)), k):
        d = dict(doc)
        d["measures"] = [ms[i] for i in sub]
        d.pop("packages", None)
        path = "%s/sub.json" % tmp
        json.dump(d, open(path, "w"))
        out = subprocess.run([hsec, "run", path], check=True, capture_output=True).stdout
        burden[sub] = json.loads(out)["burden"]["propagated"]
averted = lambda sub: burden[()] - burden[tuple(sorted(sub))]
if what == "greedy":
    chosen, spent = [], 0.0
    while True:
        best, best_key = None, None
        for i in range(len(ms)):
            if i in chosen or spent + cost[i] > budget:
                continue
            gain = averted(chosen + [i]) - averted(chosen)
            if gain <= 0:
                continue
            key = (cost[i] == 0, gain / cost[i] if cost[i] else gain)
            if best is None or key > best_key:
                best, best_key = i, key
        if best is None:
            break
        chosen.append(best)
        spent += cost[best]
else:
    subs = [s for s in burden if sum(cost[i] for i in s) <= budget]
    top = max(averted(s) for s in subs)
    chosen = min((s for s in subs if averted(s) == top), key=lambda s: sum(cost[i] for i in s))
print(json.dumps({"measures": sorted(ms[i]["id"] for i in chosen), "averted": averted(chosen),
                  "cost": sum(cost[i] for i in chosen)}))
PY
python3 "$tmp/choose.py" "$hsec" "$examples/energy-cascade.json" "$tmp" 5e6 greedy > "$tmp/greedy.json" \
    && passes=$((passes + 1)) || { echo "FAIL: the choices could not be derived"; fails=$((fails + 1)); }
check optimize-text 0 "$hsec" optimize --format text --budget 5e6 "$examples/energy-cascade.json"
python3 -c 'import json,sys,re; want=json.load(open(sys.argv[2])); line=[l for l in open(sys.argv[1]) if l.startswith("chosen: ")][0]; got=sorted(re.findall(r"(\w+) \(", line)); assert got == want["measures"], (got, want)' "$tmp/out" "$tmp/greedy.json" \
    && passes=$((passes + 1)) || { echo "FAIL optimize-text: not the greedy choice"; sed -n 1,5p "$tmp/out"; cat "$tmp/greedy.json"; fails=$((fails + 1)); }
python3 "$tmp/choose.py" "$hsec" "$examples/energy-cascade.json" "$tmp" 5e6 exact > "$tmp/exact5.json"
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["measures"] == json.load(open(sys.argv[2]))["measures"]' "$tmp/greedy.json" "$tmp/exact5.json"; then
    contains optimize-text "$tmp/out" "exact search over every subset agrees"
else
    contains optimize-text "$tmp/out" "exact search"
fi
check optimize-json 0 "$hsec" optimize "$examples/energy-cascade.json" --budget 1e8 --exact
python3 "$tmp/choose.py" "$hsec" "$examples/energy-cascade.json" "$tmp" 1e8 exact > "$tmp/exact.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); w=json.load(open(sys.argv[2])); assert sorted(d["measures"]) == w["measures"] and d["cost"] == w["cost"] and d["cost"] <= d["budget"] == 1e8 and abs(d["averted"] - w["averted"]) <= 1e-9 * abs(w["averted"])' "$tmp/out" "$tmp/exact.json" \
    && passes=$((passes + 1)) || { echo "FAIL optimize-json: not the best subset"; cat "$tmp/out" "$tmp/exact.json"; fails=$((fails + 1)); }
check optimize-negative 1 "$hsec" optimize "$examples/energy-cascade.json" --budget -1
contains optimize-negative "$tmp/err" "budget -1 is not a number >= 0"
check optimize-nan 1 "$hsec" optimize "$examples/energy-cascade.json" --budget nan
check optimize-no-budget 2 "$hsec" optimize "$examples/energy-cascade.json"
check optimize-bad-budget 2 "$hsec" optimize "$examples/energy-cascade.json" --budget lots

check ensemble-text 0 "$hsec" ensemble --format text --members 50 --threads 2 "$examples/energy-cascade.json"
contains ensemble-text "$tmp/out" "ENSEMBLE of 50 members"
check ensemble-json-1 0 "$hsec" ensemble --members 40 --threads 1 "$examples/energy-cascade.json" -o "$tmp/e1.json"
check ensemble-json-2 0 "$hsec" ensemble --members 40 --threads 2 "$examples/energy-cascade.json" -o "$tmp/e2.json"
cmp -s "$tmp/e1.json" "$tmp/e2.json" && passes=$((passes + 1)) || { echo "FAIL ensemble: depends on threads"; fails=$((fails + 1)); }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["burden"]["total"]; assert d["members"] == 40 and t == sorted(t)' "$tmp/e1.json" \
    && passes=$((passes + 1)) || { echo "FAIL ensemble-json"; fails=$((fails + 1)); }
check ensemble-package 0 "$hsec" ensemble --members 20 --package protection --format text "$examples/energy-cascade.json"
check ensemble-none 0 "$hsec" ensemble --members 20 --package none "$examples/energy-cascade.json"
check ensemble-no-package 1 "$hsec" ensemble --members 20 --package nothing "$examples/energy-cascade.json"
contains ensemble-no-package "$tmp/err" "no package \"nothing\""
check ensemble-zero 1 "$hsec" ensemble --members 0 "$examples/energy-cascade.json"
contains ensemble-zero "$tmp/err" "uncertainty.members: 0"
check ensemble-threads 1 "$hsec" ensemble --threads 1000 "$examples/energy-cascade.json"
check ensemble-negative 1 "$hsec" ensemble --members -5 "$examples/energy-cascade.json"
contains ensemble-negative "$tmp/err" "uncertainty.members: -5"
check ensemble-negative-threads 1 "$hsec" ensemble --threads -7 "$examples/energy-cascade.json"
contains ensemble-negative-threads "$tmp/err" "uncertainty.threads: -7"
check ensemble-bad 2 "$hsec" ensemble --members many "$examples/energy-cascade.json"

check convert-cbor 0 "$hsec" convert "$examples/energy-cascade.json" "$tmp/e.cbor"
check convert-hsec 0 "$hsec" convert "$tmp/e.cbor" "$tmp/e.hsec"
check convert-back 0 "$hsec" convert "$tmp/e.hsec" "$tmp/e2.json"
check run-from-container 0 "$hsec" run "$tmp/e.hsec" -o "$tmp/from-hsec.json"
check run-from-json 0 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/from-json.json"
cmp -s "$tmp/from-hsec.json" "$tmp/from-json.json" && passes=$((passes + 1)) || { echo "FAIL: results differ by encoding"; fails=$((fails + 1)); }
check validate-cbor 0 "$hsec" validate "$tmp/e.cbor"
check run-binary 0 "$hsec" run "$tmp/e.cbor" --format container-zlib -o "$tmp/r.hsec"
check run-binary-stdout 2 "$hsec" run "$tmp/e.cbor" --format cbor
check convert-results 0 "$hsec" convert "$tmp/r.hsec" "$tmp/r.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a == b' "$tmp/r.json" "$tmp/from-json.json" \
    && passes=$((passes + 1)) || { echo "FAIL: results changed through the container"; fails=$((fails + 1)); }
check convert-no-ext 2 "$hsec" convert "$tmp/e.cbor" "$tmp/e.out"
check convert-bad-to 2 "$hsec" convert "$tmp/e.cbor" "$tmp/e.out" --to yaml
printf 'keep me\n' > "$tmp/keep.cbor"
: > "$tmp/empty.json"
check convert-empty 1 "$hsec" convert "$tmp/empty.json" "$tmp/keep.cbor"
contains convert-empty "$tmp/err" "empty.json"
head -c 30 "$tmp/e.hsec" > "$tmp/trunc.hsec"
check convert-truncated 1 "$hsec" convert "$tmp/trunc.hsec" "$tmp/keep.cbor"
contains convert-truncated "$tmp/err" "header truncated"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[8]=9; open(sys.argv[2],"wb").write(b)' "$tmp/e.hsec" "$tmp/future.hsec"
check run-future 1 "$hsec" run "$tmp/future.hsec"
contains run-future "$tmp/err" "CRC-32"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-5]^=0x10; open(sys.argv[2],"wb").write(b)' "$tmp/e.hsec" "$tmp/flip.hsec"
check run-flipped 1 "$hsec" run "$tmp/flip.hsec" -o "$tmp/keep.cbor"
contains run-flipped "$tmp/err" "CRC-32"
contains convert-keeps "$tmp/keep.cbor" "keep me"

check validate 0 "$hsec" validate "$examples/energy-cascade.json"
contains validate "$tmp/out" "valid"
printf '{"hsec": 1, "groups": [{"id": "g", "region": "r", "size": -1}], "regions": [{"id": "r"}]}' > "$tmp/bad.json"
check validate-bad 1 "$hsec" validate "$tmp/bad.json"
contains validate-bad "$tmp/err" "size -1"
check validate-usage 2 "$hsec" validate

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
