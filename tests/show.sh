#!/bin/sh
# hsec show and the CSV output: a saved results document, in every encoding,
# shows exactly what run printed (text and CSV); every CSV output loads with
# Python's csv module and equals the JSON output of the same command; the
# text reports print no exponent and their group tables add up.
# usage: show.sh HSEC EXAMPLES TESTS
set -u
hsec=$1 examples=$2 tests=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

for ex in "$examples"/*.json; do
    name=$(basename "$ex" .json)
    "$hsec" run --format text "$ex" > "$tmp/run.txt" 2>/dev/null || fail "$name: run text"
    "$hsec" run --format csv "$ex" > "$tmp/run.csv" 2>/dev/null || fail "$name: run csv"
    "$hsec" run "$ex" > "$tmp/run.json" 2>/dev/null || fail "$name: run json"
    for f in json cbor container container-zlib; do
        "$hsec" run "$ex" --format "$f" -o "$tmp/res.$f" 2>/dev/null || fail "$name: run $f"
        "$hsec" show "$tmp/res.$f" > "$tmp/show.txt" 2>"$tmp/err" || { fail "$name: show $f"; cat "$tmp/err"; }
        cmp -s "$tmp/run.txt" "$tmp/show.txt" && ok || { fail "$name: show $f is not run's text"; diff "$tmp/run.txt" "$tmp/show.txt" | head; }
        "$hsec" show --format text "$tmp/res.$f" | cmp -s "$tmp/run.txt" - && ok || fail "$name: show --format text $f"
        "$hsec" show "$tmp/res.$f" --format csv -o "$tmp/show.csv" 2>/dev/null || fail "$name: show csv $f"
        cmp -s "$tmp/run.csv" "$tmp/show.csv" && ok || fail "$name: show --format csv $f is not run's csv"
        "$hsec" show "$tmp/res.$f" --format json > "$tmp/show.json" 2>/dev/null || fail "$name: show json $f"
        python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a == b' \
            "$tmp/run.json" "$tmp/show.json" && ok || fail "$name: show --format json $f is not run's document"
    done
    python3 "$tests/csvcheck.py" run "$tmp/run.csv" "$tmp/run.json" && ok || fail "$name: run csv against json"
    python3 "$tests/csvcheck.py" sums "$tmp/run.txt" && ok || fail "$name: group tables do not add up"
    # a results document where a scenario is expected
    "$hsec" run "$tmp/res.cbor" > /dev/null 2>"$tmp/err"
    [ $? -eq 1 ] && grep -q "this is a results document; use hsec show" "$tmp/err" && ok \
        || { fail "$name: run of a results document"; cat "$tmp/err"; }
done

cd_ex=$examples/collective-defence.json
for cmd in compare rank ensemble; do
    extra=""
    [ "$cmd" = ensemble ] && extra="--members 20"
    [ "$cmd" = rank ] && extra="--top 0"
    # shellcheck disable=SC2086
    "$hsec" $cmd $extra --format csv "$cd_ex" > "$tmp/$cmd.csv" 2>/dev/null || fail "$cmd csv"
    # shellcheck disable=SC2086
    "$hsec" $cmd $extra "$cd_ex" > "$tmp/$cmd.json" 2>/dev/null || fail "$cmd json"
    python3 "$tests/csvcheck.py" $cmd "$tmp/$cmd.csv" "$tmp/$cmd.json" && ok || fail "$cmd csv against json"
    # shellcheck disable=SC2086
    "$hsec" $cmd $extra --format text "$cd_ex" > "$tmp/$cmd.txt" 2>/dev/null || fail "$cmd text"
    "$hsec" show "$tmp/$cmd.json" --format csv | cmp -s "$tmp/$cmd.csv" - && ok || fail "show $cmd csv"
    "$hsec" show "$tmp/$cmd.json" > /dev/null 2>"$tmp/err"
    [ $? -eq 1 ] && grep -q "needs the scenario" "$tmp/err" && ok || fail "show $cmd text"
done
"$hsec" run --format text "$cd_ex" > "$tmp/cd.txt" 2>/dev/null
"$hsec" optimize --format text --budget 3e7 "$cd_ex" > "$tmp/opt.txt" 2>/dev/null
for f in "$tmp"/*.txt; do
    if grep -E -q '[0-9]e[+-]?[0-9]' "$f"; then fail "$(basename "$f"): an exponent"; grep -E '[0-9]e[+-]?[0-9]' "$f" | head -3; else ok; fi
done
grep -q '^  total [0-9,]* = chronic baseline [0-9,]* + caused by threats [0-9,]*$' "$tmp/cd.txt" && ok \
    || fail "the burden's total is not in whole numbers with separators"
grep -q 'person-equivalents affected' "$tmp/cd.txt" && ok || fail "no person-equivalents affected"
grep -q 'multidimensionally insecure (H)' "$tmp/cd.txt" && ok || fail "no multidimensionally insecure"
"$hsec" optimize --format csv --budget 1 "$cd_ex" > /dev/null 2>&1
[ $? -eq 2 ] && ok || fail "optimize --format csv is not a usage error"

# bad input: named, non-zero, nothing written
"$hsec" show "$cd_ex" > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "use hsec run" "$tmp/err" && ok || fail "show of a scenario"
printf '{"hsec": 1, "mode": 3' > "$tmp/cut.json"
"$hsec" show "$tmp/cut.json" -o "$tmp/none.txt" > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -e "$tmp/none.txt" ] && grep -q "cut.json" "$tmp/err" && ok || fail "show of a cut document"
printf '{"hsec": 1, "mode": "static", "groups": {"g": 5}, "burden": []}' > "$tmp/odd.json"
"$hsec" show "$tmp/odd.json" > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "not a results document" "$tmp/err" && ok || { fail "show of an odd document"; cat "$tmp/err"; }
printf '{"hsec": 1, "mode": "static", "groups": {"g": 5, "h": {"peak": []}}, "burden": {"orders": 7}, "nodes": {"x": 1}}' > "$tmp/odd.json"
for f in text csv; do
    "$hsec" show "$tmp/odd.json" --format $f > /dev/null 2>"$tmp/err"
    [ $? -le 1 ] && ok || fail "show --format $f of an odd results document crashed"
done
# a hand-made document's text cannot drive the terminal or break the page
printf '{"hsec": 1, "mode": "static", "groups": {"g": {"size": 1, "peak": {"phase": "\\u001b[2J", "dimensions": {"food": {"y": 0.5, "phase": "\\u001b[31m", "orders": [0, 0, 0, 0]}}}}}, "burden": {"propagated": 1e-300, "orders": [1e300, 0, 0, 0]}, "multidimensional": {"peak": {"H": 1e307}}, "scenario": {"measures": [{"id": "m", "effect": "\\u001b[5m"}]}, "measures": ["m"], "measures_by_branch": {"none": ["m"]}}' > "$tmp/esc.json"
"$hsec" show "$tmp/esc.json" > "$tmp/esc.txt" 2>"$tmp/err"
[ $? -eq 0 ] && ! grep -q "$(printf '\033')" "$tmp/esc.txt" && grep -q 'x1b\[31m' "$tmp/esc.txt" && ok \
    || fail "show of a document's control characters"
grep -E -q '(^|[^a-z])(inf|nan)' "$tmp/esc.txt" && fail "show printed inf or nan" || ok
printf '{"hsec": 1, "mode": "dynamic", "steps": 2, "step_unit": "<b>d", "groups": {}, "burden": {}}' > "$tmp/unit.json"
"$hsec" show "$tmp/unit.json" --format html -o "$tmp/unit.html" > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -e "$tmp/unit.html" ] && grep -q "step_unit is not an id" "$tmp/err" && ok \
    || fail "show --format html of a step unit that is not an id"
"$hsec" show /nonexistent.json > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "nonexistent.json" "$tmp/err" && ok || fail "show of a missing file"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
