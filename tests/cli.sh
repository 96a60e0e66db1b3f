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
# every command's own help, with an example; suggestions for misspellings
for c in run compare rank optimize ensemble report show convert validate merge import-csv \
         export-csv import-io; do
    check "help-$c" 0 "$hsec" "$c" --help
    contains "help-$c" "$tmp/out" "^usage: hsec $c "
    contains "help-$c" "$tmp/out" "^example:"
    contains "help-$c-example" "$tmp/out" "^  .*hsec $c "
done
check help-short 0 "$hsec" rank -h
contains help-short "$tmp/out" "^usage: hsec rank"
check near-command 2 "$hsec" rnu "$examples/energy-cascade.json"
contains near-command "$tmp/err" "unknown command rnu (did you mean run?)"
check near-option 2 "$hsec" run --fromat text "$examples/energy-cascade.json"
contains near-option "$tmp/err" "unknown option --fromat (did you mean --format?)"
contains near-option "$tmp/err" "hsec run --help shows its options"
check near-option-io 2 "$hsec" import-io --shok a=1
contains near-option-io "$tmp/err" "(did you mean --shock?)"
printf '{"hsec":1,"regions":[{"id":"east"}],"groups":[{"id":"elderly","region":"east","size":10}],\n"services":[{"id":"grid","kind":"enrgy","region":"east"}]}\n' > "$tmp/typo-kind.json"
check near-enum 1 "$hsec" validate "$tmp/typo-kind.json"
contains near-enum "$tmp/err" 'kind "enrgy" is not one of .* (did you mean "energy"?)'
printf '{"hsec":1,"regions":[{"id":"east"}],"groups":[{"id":"elderly","region":"east","size":10,"vulnerabilty":2}]}\n' > "$tmp/typo-key.json"
check near-key 1 "$hsec" validate "$tmp/typo-key.json"
contains near-key "$tmp/err" 'unknown key "vulnerabilty" (did you mean "vulnerability"?)'
printf '{"hsec":1,"regions":[{"id":"east"}],"groups":[{"id":"elderly","region":"east","size":10}],\n"services":[{"id":"grid","kind":"energy","region":"east"}],\n"links":[{"from":"gird","to":"elderly.health","weight":0.5}]}\n' > "$tmp/typo-node.json"
check near-node 1 "$hsec" validate "$tmp/typo-node.json"
contains near-node "$tmp/err" 'from "gird" is not a node (did you mean "grid"?)'
printf '{"hsec":1,"regions":[{"id":"east"}],"groups":[{"id":"elderly","region":"east","size":10}],\n"threats":[{"id":"t","targets":[{"node":"eldrly","magnitude":0.5}]}]}\n' > "$tmp/typo-group.json"
check near-group 1 "$hsec" validate "$tmp/typo-group.json"
contains near-group "$tmp/err" 'target "eldrly" is not a node, group or region (did you mean "elderly"?)'
check near-package 1 "$hsec" run --package protectoin "$examples/energy-cascade.json"
contains near-package "$tmp/err" '(did you mean "protection"?)'
check near-measure 1 "$hsec" run --measures grid_air_defense "$examples/energy-cascade.json"
contains near-measure "$tmp/err" '(did you mean "grid_air_defence"?)'
check near-region 1 "$hsec" rank --region eest "$examples/energy-cascade.json"
contains near-region "$tmp/err" '(did you mean "east"?)'
check near-kind 2 "$hsec" rank --kind enrgy "$examples/energy-cascade.json"
contains near-kind "$tmp/err" '(did you mean "energy"?)'
# show: the last --format wins; -o's value is a file, even one that looks like an option
"$hsec" run "$examples/energy-cascade.json" -o "$tmp/res-show.json" 2>/dev/null
check show-last-format 0 "$hsec" show "$tmp/res-show.json" --format html --format json
contains show-last-format "$tmp/out" '"hsec": 1'
check show-html-o 0 "$hsec" show "$tmp/res-show.json" -o "$tmp/page.html" --format=html
contains show-html-o "$tmp/page.html" "<!DOCTYPE html>"
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
# topics, branches and differentiated impacts in every output of the
# collective-defence example
cd_ex="$examples/collective-defence.json"
check lens-run-text 0 "$hsec" run --format text "$cd_ex"
contains lens-run-text "$tmp/out" "by cross-cutting topic"
contains lens-run-text "$tmp/out" "conflict_related_sexual_violence"
contains lens-run-text "$tmp/out" "DIFFERENTIATED IMPACTS"
contains lens-run-text "$tmp/out" "^  displaced "
contains lens-run-text "$tmp/out" "tasks by branch"
contains lens-run-text "$tmp/out" "\[ \] joint_patrols: shield (protection), by military"
check lens-run-json 0 "$hsec" run "$cd_ex"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d["burden"]; assert b["topics"]["protection_of_civilians"] > 0; f=b["flags"]; assert f["displaced"]["ratio"] > 1 and f["population"]["people"] == 938000; assert d["measures_by_branch"]["military_police"] == ["joint_patrols"]; assert d["threats"]["trafficking"]["topics"] == ["trafficking_in_human_beings", "children_and_armed_conflict"]' "$tmp/out" \
    && passes=$((passes + 1)) || { echo "FAIL lens-run-json: topics, flags or branches missing"; fails=$((fails + 1)); }
check lens-compare-text 0 "$hsec" compare --format text "$cd_ex"
contains lens-compare-text "$tmp/out" "averted by branch"
contains lens-compare-text "$tmp/out" "military_police"
contains lens-compare-text "$tmp/out" "Averted per person, by who is hurt"
contains lens-compare-text "$tmp/out" "averted by cross-cutting topic"
check lens-compare-json 0 "$hsec" compare "$cd_ex"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["packages"]["whole_headquarters"]; assert set(p["averted_by_branch"]) == {"engineering", "g3_operations", "information_operations", "military_police", "medical", "g9_cimic", "g4_logistics"}; assert p["averted"]["topics"]["cultural_property_protection"] > 0; assert p["averted"]["flags"]["women"]["per_capita"] > 0; assert p["measures_by_branch"]["engineering"] == ["grid_and_water_repairs", "heritage_protection"]' "$tmp/out" \
    && passes=$((passes + 1)) || { echo "FAIL lens-compare-json: averted by branch, topic or flag missing"; fails=$((fails + 1)); }
check lens-ensemble-json 0 "$hsec" ensemble --members 4 "$cd_ex"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["burden"]; assert len(b["topics"]["protection_of_civilians"]) == 3 and b["flags"]["displaced"]["burden"][1] > 0' "$tmp/out" \
    && passes=$((passes + 1)) || { echo "FAIL lens-ensemble-json: topics or flags missing"; fails=$((fails + 1)); }
check lens-optimize-json 0 "$hsec" optimize --budget 5e6 "$cd_ex"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "measures_by_branch" in d' "$tmp/out" \
    && passes=$((passes + 1)) || { echo "FAIL lens-optimize-json: no measures by branch"; fails=$((fails + 1)); }

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
[ "$(ls -A "$tmp" | grep -c '\.tmp-')" -eq 0 ] && passes=$((passes + 1)) || { echo "FAIL: temporary left behind"; fails=$((fails + 1)); }
check run-unwritable 1 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/no/such/dir/out.json"

# -o onto what is not a new or regular file: a device or a pipe is written
# as it is, standard output through its descriptor, a directory refused, a
# link followed and kept
isjson() { # name file
    python3 -m json.tool "$2" >/dev/null 2>&1 && passes=$((passes + 1)) || { echo "FAIL $1: $2 is not JSON"; fails=$((fails + 1)); }
}
check run-devnull 0 "$hsec" run "$examples/energy-cascade.json" -o /dev/null
[ -c /dev/null ] && passes=$((passes + 1)) || { echo "FAIL run-devnull: /dev/null replaced"; fails=$((fails + 1)); }
check run-stdout 0 "$hsec" run "$examples/energy-cascade.json" -o /dev/stdout
isjson run-stdout "$tmp/out"
"$hsec" run "$examples/energy-cascade.json" -o /dev/stdout 2>"$tmp/err" | cat > "$tmp/piped.json"
isjson run-stdout-pipe "$tmp/piped.json"
printf 'kept\n' > "$tmp/appended.log"
"$hsec" run "$examples/energy-cascade.json" --format text -o /dev/stdout >> "$tmp/appended.log" 2>"$tmp/err"
[ "$(head -n 1 "$tmp/appended.log")" = kept ] && grep -q "MULTIDIMENSIONAL" "$tmp/appended.log" \
    && passes=$((passes + 1)) || { echo "FAIL run-stdout-append: not appended"; fails=$((fails + 1)); }
mkfifo "$tmp/fifo"
timeout 60 cat "$tmp/fifo" > "$tmp/fifo.out" &
reader=$!
check run-fifo 0 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/fifo"
wait "$reader"
isjson run-fifo "$tmp/fifo.out"
[ -p "$tmp/fifo" ] && passes=$((passes + 1)) || { echo "FAIL run-fifo: the pipe was replaced"; fails=$((fails + 1)); }
mkdir "$tmp/outdir"
check run-directory 1 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/outdir"
contains run-directory "$tmp/err" "outdir: is a directory"
printf 'old\n' > "$tmp/target.json"
ln -s target.json "$tmp/link.json"
check run-link 0 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/link.json"
[ -L "$tmp/link.json" ] && [ "$(readlink "$tmp/link.json")" = target.json ] && passes=$((passes + 1)) || { echo "FAIL run-link: the link was replaced"; fails=$((fails + 1)); }
isjson run-link "$tmp/target.json"
check convert-link 0 "$hsec" convert "$examples/energy-cascade.json" "$tmp/link.json" --to json
[ -L "$tmp/link.json" ] && passes=$((passes + 1)) || { echo "FAIL convert-link: the link was replaced"; fails=$((fails + 1)); }
# a temporary a killed save left beside the file goes with the next save of it
printf 'half' > "$tmp/.target.json.tmp-Crash1"
printf 'not ours to remove' > "$tmp/.target.json.tmp-Crash"
check run-stale 0 "$hsec" run "$examples/energy-cascade.json" -o "$tmp/target.json"
[ ! -e "$tmp/.target.json.tmp-Crash1" ] && [ -e "$tmp/.target.json.tmp-Crash" ] && passes=$((passes + 1)) || { echo "FAIL run-stale: temporaries"; ls -A "$tmp"; fails=$((fails + 1)); }
rm -f "$tmp/.target.json.tmp-Crash"

# control characters from a document or the command line reach no message raw
no_controls() { # name file: no byte below 0x20 (newlines aside) or 0x7f
    if LC_ALL=C tr -d '\n' < "$2" | od -An -v -tx1 | grep -Eq ' (0[0-9a-f]|1[0-9a-f]|7f)'; then
        echo "FAIL $1: a raw control character in $2:"; od -c "$2" | sed -n 1,10p; fails=$((fails + 1))
    else passes=$((passes + 1)); fi
}
printf '{"hsec": 1, "regions": [{"id": "r"}], "groups": [{"id": "a\\u001b]0;owned\\u0007b", "region": "r", "size": 1}]}' > "$tmp/esc-id.json"
check escape-id 1 "$hsec" validate "$tmp/esc-id.json"
contains escape-id "$tmp/err" 'a\\x1b]0;owned\\x07b'
no_controls escape-id "$tmp/err"
printf '{"hsec": 1, "\\u001b[2J\\u009b": 1}' > "$tmp/esc-key.json"
check escape-key 1 "$hsec" run "$tmp/esc-key.json"
contains escape-key "$tmp/err" '\\x1b\[2J\\xc2\\x9b'
no_controls escape-key "$tmp/err"
printf '{"hsec": 1, "name": "raw \033[31m"}' > "$tmp/esc-raw.json"
check escape-raw 1 "$hsec" run "$tmp/esc-raw.json"
no_controls escape-raw "$tmp/err"
esc=$(printf 'e\033]0;t\007')
check escape-format 2 "$hsec" run "$examples/energy-cascade.json" --format "$esc"
contains escape-format "$tmp/err" 'e\\x1b]0;t\\x07'
no_controls escape-format "$tmp/err"
check escape-option 2 "$hsec" run "$examples/energy-cascade.json" "--$esc"
no_controls escape-option "$tmp/err"
check escape-members 2 "$hsec" ensemble "$examples/energy-cascade.json" --members "$esc"
no_controls escape-members "$tmp/err"
check escape-package 1 "$hsec" run "$examples/energy-cascade.json" --package "$esc"
no_controls escape-package "$tmp/err"
check escape-measures 1 "$hsec" run "$examples/energy-cascade.json" --measures "$esc,a"
no_controls escape-measures "$tmp/err"
check escape-path 1 "$hsec" validate "$tmp/$esc.json"
contains escape-path "$tmp/err" 'e\\x1b]0;t\\x07.json'
no_controls escape-path "$tmp/err"
check escape-extra 2 "$hsec" validate "$examples/energy-cascade.json" "$esc"
no_controls escape-extra "$tmp/err"
check escape-command 2 "$hsec" "$esc"
no_controls escape-command "$tmp/err"

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
check optimize-negative 2 "$hsec" optimize "$examples/energy-cascade.json" --budget -1
contains optimize-negative "$tmp/err" "budget -1: not a number >= 0"
check optimize-nan 2 "$hsec" optimize "$examples/energy-cascade.json" --budget nan
contains optimize-nan "$tmp/err" "budget nan: not a number"
check optimize-inf 2 "$hsec" optimize "$examples/energy-cascade.json" --budget inf
check optimize-budget-missing 2 "$hsec" optimize "$examples/energy-cascade.json" --budget
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
# numeric options: negative, fractional, out of range or not numbers are
# usage errors naming the option and the value
for bad in "members -5" "members 1.5" "members abc" "members 0" "members 1000000001" \
           "members 1e3" "members +5" "members ''" "members 18446744073709551617" \
           "threads -7" "threads 2.5" "threads 1000" "threads x"; do
    opt=${bad%% *} val=${bad#* }
    [ "$val" = "''" ] && val=
    check "ensemble-$opt-$val" 2 "$hsec" ensemble --"$opt" "$val" "$examples/energy-cascade.json"
    contains "ensemble-$opt-$val" "$tmp/err" "^hsec: ensemble: --$opt $val: not a whole number from "
done
check ensemble-members-missing 2 "$hsec" ensemble "$examples/energy-cascade.json" --members
contains ensemble-members-missing "$tmp/err" "members needs a value"
check ensemble-members-max 0 "$hsec" ensemble --members 3 --threads 0 --format text "$examples/energy-cascade.json"
contains ensemble-members-max "$tmp/out" "ENSEMBLE of 3 members"
for bad in -1 1.5 x 1e2; do
    check "rank-top-$bad" 2 "$hsec" rank "$examples/energy-cascade.json" --top "$bad"
    contains "rank-top-$bad" "$tmp/err" "^hsec: rank: --top $bad: not a whole number >= 0"
done

# --max-memory BYTES, before or after the command: K, M, G, T are powers of 1024
for good in 1000000 16G 16g 512M 1T 4096KiB 18446744073709551615; do
    check "max-memory-$good" 0 "$hsec" --max-memory "$good" validate "$examples/energy-cascade.json"
done
check max-memory-after 0 "$hsec" run "$examples/energy-cascade.json" --max-memory 1G -o "$tmp/mm.json"
check max-memory-equals 0 "$hsec" validate --max-memory=2G "$examples/energy-cascade.json"
check max-memory-convert 0 "$hsec" convert --max-memory 1G "$examples/energy-cascade.json" "$tmp/mm.cbor"
for bad in 0 -1 1.5 16X 16GB G "" 18446744073709551616 17179869184T; do
    check "max-memory-bad-$bad" 2 "$hsec" --max-memory "$bad" validate "$examples/energy-cascade.json"
    contains "max-memory-bad-$bad" "$tmp/err" "^hsec: --max-memory $bad: not a number of bytes"
done
check max-memory-bad-after 2 "$hsec" ensemble "$examples/energy-cascade.json" --max-memory lots
check max-memory-missing 2 "$hsec" run "$examples/energy-cascade.json" --max-memory
check max-memory-no-command 2 "$hsec" --max-memory 1G
# a limit smaller than the model: refused (exit 1), saying so
check max-memory-small 1 "$hsec" --max-memory 1K run "$examples/energy-cascade.json" -o "$tmp/small.json"
contains max-memory-small "$tmp/err" "limit"
[ ! -e "$tmp/small.json" ] && passes=$((passes + 1)) || { echo "FAIL max-memory-small: wrote output"; fails=$((fails + 1)); }
check help-max-memory 0 "$hsec" --help
contains help-max-memory "$tmp/out" "--max-memory BYTES"

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

# ---- the measures in force: --package, --measures, none, on run, ensemble and rank
pycheck() { # name python-script args...
    name=$1; shift
    if python3 -c "$@" 2>"$tmp/pyerr"; then passes=$((passes + 1)); else
        echo "FAIL $name"; cat "$tmp/pyerr"; fails=$((fails + 1)); fi
}
ex="$examples/energy-cascade.json"
# the first package's id and measures, and every measure, from the scenario document
pkg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"][0]["id"])' "$ex")
pkgms=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["packages"][0]["measures"]))' "$ex")
allms=$(python3 -c 'import json,sys; print(",".join(m["id"] for m in json.load(open(sys.argv[1]))["measures"]))' "$ex")
nms=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["measures"]))' "$ex")
check run-all-text 0 "$hsec" run --format text "$ex"
contains run-all-text "$tmp/out" "^measures in force: all $nms ($(echo "$allms" | sed 's/,/, /g'))\$"
check run-package 0 "$hsec" run "$ex" --package "$pkg" -o "$tmp/rp.json"
check run-measures 0 "$hsec" run "$ex" --measures "$pkgms" -o "$tmp/rm.json"
cmp -s "$tmp/rp.json" "$tmp/rm.json" && passes=$((passes + 1)) || { echo "FAIL run: --package and the same --measures differ"; fails=$((fails + 1)); }
pycheck run-package-doc 'import json,sys; d=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2])); assert d["measures"] == [m["id"] for m in s["measures"] if m["id"] in s["packages"][0]["measures"]], d["measures"]' "$tmp/rp.json" "$ex"
check run-all 0 "$hsec" run "$ex" -o "$tmp/rall.json"
check run-all-measures 0 "$hsec" run "$ex" --measures "$allms" -o "$tmp/rall2.json"
cmp -s "$tmp/rall.json" "$tmp/rall2.json" && passes=$((passes + 1)) || { echo "FAIL run: every measure named differs from the default"; fails=$((fails + 1)); }
check run-none 0 "$hsec" run "$ex" --package none -o "$tmp/rn.json"
check run-none-measures 0 "$hsec" run "$ex" --measures "" -o "$tmp/rn2.json"
cmp -s "$tmp/rn.json" "$tmp/rn2.json" && passes=$((passes + 1)) || { echo "FAIL run: --package none and --measures '' differ"; fails=$((fails + 1)); }
# the baseline equals compare's, and a package's burden is compare's for it
"$hsec" compare "$ex" -o "$tmp/cmp2.json" 2>/dev/null
pycheck run-none-is-baseline 'import json,sys; n=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); c=json.load(open(sys.argv[3])); assert n["measures"] == []; assert n["burden"]["total"] == c["baseline"]["total"] and n["burden"]["propagated"] == c["baseline"]["propagated"]; k=list(c["packages"])[0]; assert p["burden"]["propagated"] == c["packages"][k]["burden"]["propagated"]' "$tmp/rn.json" "$tmp/rp.json" "$tmp/cmp2.json"
check run-none-text 0 "$hsec" run --format text "$ex" --package none
contains run-none-text "$tmp/out" "^measures in force: none of the $nms (the no-measure baseline)"
check run-some-text 0 "$hsec" run --format text "$ex" --measures "$pkgms"
contains run-some-text "$tmp/out" "^measures in force: $(echo "$pkgms" | tr , '\n' | wc -l | tr -d ' ') of $nms ("
check run-unknown-measure 1 "$hsec" run "$ex" --measures "$pkgms,no_such_measure"
contains run-unknown-measure "$tmp/err" 'no measure "no_such_measure"'
check run-unknown-package 1 "$hsec" run "$ex" --package no_such_package
contains run-unknown-package "$tmp/err" 'no package "no_such_package"'
check run-both 2 "$hsec" run "$ex" --package "$pkg" --measures "$pkgms"
contains run-both "$tmp/err" "exclude each other"
check run-measures-missing 2 "$hsec" run "$ex" --measures
check ensemble-measures 0 "$hsec" ensemble --members 10 --threads 1 "$ex" --measures "$pkgms" -o "$tmp/em.json"
check ensemble-package2 0 "$hsec" ensemble --members 10 --threads 1 "$ex" --package "$pkg" -o "$tmp/ep.json"
cmp -s "$tmp/em.json" "$tmp/ep.json" && passes=$((passes + 1)) || { echo "FAIL ensemble: --package and the same --measures differ"; fails=$((fails + 1)); }
pycheck ensemble-measures-doc 'import json,sys; d=json.load(open(sys.argv[1])); assert d["measures"] == sys.argv[2].split(","), d["measures"]' "$tmp/em.json" "$pkgms"
check ensemble-none-doc 0 "$hsec" ensemble --members 10 --threads 1 "$ex" --package none -o "$tmp/en.json"
pycheck ensemble-none-doc 'import json,sys; d=json.load(open(sys.argv[1])); a=json.load(open(sys.argv[2])); assert d["measures"] == []; assert d["burden"]["propagated"] != a["burden"]["propagated"]' "$tmp/en.json" "$tmp/em.json"
check ensemble-unknown-measure 1 "$hsec" ensemble --members 10 "$ex" --measures no_such_measure
contains ensemble-unknown-measure "$tmp/err" 'no measure "no_such_measure"'
check ensemble-text-measures 0 "$hsec" ensemble --format text --members 10 "$ex" --measures "$pkgms"
contains ensemble-text-measures "$tmp/out" "^measures in force: "
check rank-package 0 "$hsec" rank "$ex" --top 0 --package "$pkg" -o "$tmp/rkp.json"
check rank-measures 0 "$hsec" rank "$ex" --top 0 --measures "$pkgms" -o "$tmp/rkm.json"
cmp -s "$tmp/rkp.json" "$tmp/rkm.json" && passes=$((passes + 1)) || { echo "FAIL rank: --package and the same --measures differ"; fails=$((fails + 1)); }
check rank-none 0 "$hsec" rank "$ex" --top 0 --package none -o "$tmp/rkn.json"
check rank-all 0 "$hsec" rank "$ex" --top 0 -o "$tmp/rka.json"
pycheck rank-measures-doc 'import json,sys; p,n,a=(json.load(open(f)) for f in sys.argv[1:4]); assert p["measures"] == sys.argv[4].split(","); assert n["measures"] == [] and a["measures"] == sys.argv[5].split(","); u=lambda d: {x["node"]: x["marginal_burden"] for x in d["rank"]}; assert u(n) != u(a) and u(p) != u(n)' "$tmp/rkp.json" "$tmp/rkn.json" "$tmp/rka.json" "$pkgms" "$allms"
check rank-unknown-measure 1 "$hsec" rank "$ex" --measures no_such_measure
contains rank-unknown-measure "$tmp/err" 'no measure "no_such_measure"'
check rank-text-measures 0 "$hsec" rank --format text "$ex" --package none
contains rank-text-measures "$tmp/out" "^measures in force: none of the $nms"

# ---- rank where a planner can act: --kind and --region
# the nodes each filter keeps, derived from the scenario document
cat > "$tmp/select.py" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1])); kind = sys.argv[2] or None; region = sys.argv[3] or None
dims = ["economic", "food", "health", "environmental", "personal", "community", "political"]
parent = {r["id"]: r.get("parent") for r in doc.get("regions", [])}
def within(r):
    while r is not None:
        if r == region: return True
        r = parent[r]
    return False
keep = set()
for s in doc.get("services", []):
    if (kind in (None, "services", s["kind"])) and (region is None or within(s.get("region"))):
        keep.add(s["id"])
for g in doc.get("groups", []):
    for d in dims:
        if (kind in (None, "groups", d)) and (region is None or within(g["region"])):
            keep.add(g["id"] + "." + d)
print(" ".join(sorted(keep)))
PY
for sel in "energy:" "services:" "groups:" "health:" ":east" "services:east" "water:west" "groups:country" "health_care:"; do
    k=${sel%%:*} r=${sel#*:}
    set -- --top 0
    [ -n "$k" ] && set -- "$@" --kind "$k"
    [ -n "$r" ] && set -- "$@" --region "$r"
    check "rank-select-$sel" 0 "$hsec" rank "$ex" "$@" -o "$tmp/sel.json"
    want=$(python3 "$tmp/select.py" "$ex" "$k" "$r")
    pycheck "rank-select-$sel-nodes" 'import json,sys; d=json.load(open(sys.argv[1])); a=json.load(open(sys.argv[3])); got=[x["node"] for x in d["rank"]]; assert sorted(got) == sorted(sys.argv[2].split()), (got, sys.argv[2]); full=[x["node"] for x in a["rank"] if x["node"] in got]; assert got == full' "$tmp/sel.json" "$want" "$tmp/rka.json"
done
pycheck rank-select-nonempty 'import sys; assert sys.argv[1] and sys.argv[2]' "$(python3 "$tmp/select.py" "$ex" energy "")" "$(python3 "$tmp/select.py" "$ex" "" east)"
check rank-kind-text 0 "$hsec" rank --format text "$ex" --kind water --top 0
# every water service, with its kind and region, and nothing else
pycheck rank-kind-text-rows 'import json,sys; doc=json.load(open(sys.argv[2])); rows=[l.split() for l in open(sys.argv[1]) if l[:4].strip().isdigit()]; want={s["id"]: s.get("region") or "national" for s in doc["services"] if s["kind"] == "water"}; assert {r[1]: r[3] for r in rows} == want and all(r[2] == "water" for r in rows), rows' "$tmp/out" "$ex"
contains rank-kind-text "$tmp/out" "of the .* nodes (--kind, --region)"
check rank-region-text 0 "$hsec" rank --format text "$ex" --region west --kind groups --top 3
pycheck rank-region-text-rows 'import json,sys; doc=json.load(open(sys.argv[2])); g={x["id"]: x["region"] for x in doc["groups"]}; rows=[l.split() for l in open(sys.argv[1]) if l[:4].strip().isdigit()]; assert len(rows) == 3 and all(r[2] == "group" and r[3] == "west" == g[r[1].split(".")[0]] for r in rows), rows' "$tmp/out" "$ex"
contains rank-region-text "$tmp/out" "more nodes; --top 0 lists all"
check rank-kind-json-fields 0 "$hsec" rank "$ex" --kind groups --top 0 -o "$tmp/kg.json"
pycheck rank-kind-json-fields 'import json,sys; d=json.load(open(sys.argv[1])); doc=json.load(open(sys.argv[2])); g={x["id"]: x["region"] for x in doc["groups"]}; assert all(x["kind"] == "group" and x["region"] == g[x["group"]] and x["node"] == x["group"] + "." + x["dimension"] for x in d["rank"])' "$tmp/kg.json" "$ex"
check rank-bad-kind 2 "$hsec" rank "$ex" --kind spaceships
contains rank-bad-kind "$tmp/err" "spaceships"
check rank-bad-region 1 "$hsec" rank "$ex" --region atlantis
contains rank-bad-region "$tmp/err" 'no region "atlantis"'

# ---- warnings: printed on stderr, in the documents, and the run succeeds
cat > "$tmp/warn.json" <<'JSON'
{"hsec": 1, "regions": [{"id": "r"}],
 "groups": [{"id": "people", "region": "r", "size": 100}, {"id": "nobody", "region": "r", "size": 0}],
 "services": [{"id": "grid", "kind": "energy", "region": "r"}, {"id": "well", "kind": "water", "region": "r"}],
 "links": [{"from": "grid", "to": "people.health", "weight": 0.5}],
 "threats": [{"id": "strike", "start": 50, "targets": [{"node": "grid", "magnitude": 0.5}]}],
 "measures": [{"id": "pump", "kind": "protection", "effect": "recover", "delta": 0.1, "targets": [{"node": "well"}]},
              {"id": "late", "kind": "empowerment", "effect": "recover", "delta": 0.1, "start": 99, "targets": [{"node": "grid"}]}],
 "run": {"mode": "dynamic", "steps": 20, "record": ["grid"]}}
JSON
check warn-run 0 "$hsec" run "$tmp/warn.json" -o "$tmp/warn-out.json"
pycheck warn-run-stderr 'import sys; lines=[l for l in open(sys.argv[1]) if l.startswith("hsec: warning: ")]; assert len(lines) == 5, lines; want=["\"strike\"", "\"late\"", "\"pump\"", "\"nobody\"", "(1 node: grid)"]; assert all(w in l for w, l in zip(want, lines)), lines' "$tmp/err"
pycheck warn-run-doc 'import json,sys; d=json.load(open(sys.argv[1])); codes=[w["code"] for w in d["warnings"]]; assert codes == ["never_in_force", "never_in_force", "unreachable", "empty_group", "flat_series"], codes; assert "\"nobody\"" in d["warnings"][3]["message"]' "$tmp/warn-out.json"
check warn-run-text 0 "$hsec" run --format text "$tmp/warn.json"
contains warn-run-text "$tmp/out" "^WARNINGS"
contains warn-run-text "$tmp/out" "empty_group: group \"nobody\""
contains warn-run-text "$tmp/out" "flat_series: every recorded series is 0"
check warn-validate 0 "$hsec" validate "$tmp/warn.json"
contains warn-validate "$tmp/err" "hsec: warning: group \"nobody\" has size 0"
check warn-rank 0 "$hsec" rank "$tmp/warn.json"
contains warn-rank "$tmp/err" "hsec: warning: measure \"pump\""
check warn-ensemble 0 "$hsec" ensemble --members 5 "$tmp/warn.json" -o "$tmp/warn-e.json"
pycheck warn-ensemble-doc 'import json,sys; d=json.load(open(sys.argv[1])); assert [w["code"] for w in d["warnings"]] == ["never_in_force", "never_in_force", "unreachable", "empty_group"]' "$tmp/warn-e.json"
check no-warnings 0 "$hsec" run "$ex" -o "$tmp/nw.json"
pycheck no-warnings-doc 'import json,sys; d=json.load(open(sys.argv[1])); assert d["warnings"] == [], d["warnings"]; assert open(sys.argv[2]).read().count("warning") == 0' "$tmp/nw.json" "$tmp/err"

# figures that overflow a double are refused by name, in text as in JSON
cat > "$tmp/inf.json" <<'JSON'
{"hsec": 1, "regions": [{"id": "r"}],
 "groups": [{"id": "g", "region": "r", "size": 1.5e308}, {"id": "h", "region": "r", "size": 1.6e308}],
 "threats": [{"id": "t", "targets": [{"node": "g.health", "magnitude": 0.5},
                                     {"node": "h.health", "magnitude": 0.5}]}]}
JSON
for fmt in json text; do
    check "overflow-$fmt" 1 "$hsec" run "$tmp/inf.json" --format "$fmt" -o "$tmp/inf-$fmt.out"
    contains "overflow-$fmt-named" "$tmp/err" "the figures overflow a double"
    [ ! -e "$tmp/inf-$fmt.out" ] && passes=$((passes + 1)) ||
        { echo "FAIL overflow-$fmt: a file was written"; fails=$((fails + 1)); }
done

# import-io: usage errors, and a table read, written atomically
printf ',a,b\na,1,2\nb,3,0\n' > "$tmp/z.csv"
printf 'sector,output\na,10\nb,20\n' > "$tmp/x.csv"
check io-no-flows 2 "$hsec" import-io --output "$tmp/x.csv"
contains io-no-flows "$tmp/err" "flows Z is required"
check io-both 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --final-demand "$tmp/x.csv"
contains io-both "$tmp/err" "give --final-demand Y or --output X (one)"
check io-neither 2 "$hsec" import-io --flows "$tmp/z.csv"
check io-model 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --model sideways
contains io-model "$tmp/err" "model sideways is not demand or supply"
check io-min-weight 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --min-weight 2
contains io-min-weight "$tmp/err" "min-weight 2: not a number from 0 to 1"
check io-shock 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --shock a
contains io-shock "$tmp/err" "shock a: not SECTOR=F"
check io-shock-nan 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --shock a=nan
check io-unknown 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --fast
contains io-unknown "$tmp/err" "unknown option --fast"
check io-value 2 "$hsec" import-io --flows
contains io-value "$tmp/err" "flows needs a value"
check io-to 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --to xml
check io-binary 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --to cbor
contains io-binary "$tmp/err" "give -o FILE"
check io-ok 0 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --shock b=0.5 -o "$tmp/io.hsec"
check io-load 0 "$hsec" validate "$tmp/io.hsec"
contains io-load "$tmp/out" "2 nodes, 3 links, 1 threats"
printf ',a,b\na,1,-2\nb,3,0\n' > "$tmp/zneg.csv"
check io-refused 1 "$hsec" import-io --flows "$tmp/zneg.csv" --output "$tmp/x.csv" -o "$tmp/io.hsec"
contains io-refused "$tmp/err" "(row a, column b) = -2 is negative"
check io-kept 0 "$hsec" validate "$tmp/io.hsec"
check io-twice 2 "$hsec" import-io --flows "$tmp/z.csv" --flows "$tmp/z.csv" --output "$tmp/x.csv"
contains io-twice "$tmp/err" "flows is given twice"
check io-min-weight-twice 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --min-weight 0 --min-weight 0.1
check io-shock-hex 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --shock b=0x0.8
check io-shock-space 2 "$hsec" import-io --flows "$tmp/z.csv" --output "$tmp/x.csv" --shock "b= 0.5"
check budget-hex 2 "$hsec" optimize "$examples/energy-cascade.json" --budget 0x10
printf ',a,b\na,0,0\nb,0,0\n' > "$tmp/zzero.csv"
printf 'sector,output\na,0\nb,0\n' > "$tmp/xzero.csv"
check io-nothing 1 "$hsec" import-io --flows "$tmp/zzero.csv" --output "$tmp/xzero.csv" -o "$tmp/io.hsec"
contains io-nothing "$tmp/err" "no sector has flows or final demand"
check io-nothing-kept 0 "$hsec" validate "$tmp/io.hsec"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
