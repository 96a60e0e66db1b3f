#!/bin/sh
# hsec merge, import-csv and export-csv: the examples split into parts and
# merged back run as the whole; every conflict refused by name; a failed
# merge writes nothing; CSV tables read back to the same document, bit for
# bit; CSV errors name the file, the row and the column.
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
same() { # name file file
    if cmp -s "$2" "$3"; then passes=$((passes + 1)); else
        echo "FAIL $1: $2 and $3 differ"; fails=$((fails + 1)); fi
}
# the canonical CBOR of two documents is the same
same_doc() { # name a b
    "$hsec" convert "$2" "$tmp/a.cbor" --to cbor >/dev/null 2>&1 &&
        "$hsec" convert "$3" "$tmp/b.cbor" --to cbor >/dev/null 2>&1
    same "$1" "$tmp/a.cbor" "$tmp/b.cbor"
}

# ---- merge: every example as model, threats and measures files
for ex in "$examples"/*.json; do
    base=$(basename "$ex" .json)
    python3 - "$ex" "$tmp/$base" <<'PY' || { echo "FAIL split $base"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
model = ("hsec", "name", "regions", "groups", "services", "links", "templates")
threats = ("threats",)
parts = {"model": {}, "threats": {}, "rest": {}}
for k, v in d.items():
    part = "model" if k in model else "threats" if k in threats else "rest"
    parts[part][k] = v
for p, doc in parts.items():
    doc["hsec"] = 1
    json.dump(doc, open(sys.argv[2] + "-" + p + ".json", "w"), indent=1)
PY
    "$hsec" convert "$tmp/$base-threats.json" "$tmp/$base-threats.cbor" >/dev/null 2>&1
    check "merge-$base" 0 "$hsec" merge "$tmp/$base-model.json" "$tmp/$base-threats.cbor" \
        "$tmp/$base-rest.json" -o "$tmp/$base-merged.json"
    check "merge-$base-valid" 0 "$hsec" validate "$tmp/$base-merged.json"
    same_doc "merge-$base-doc" "$ex" "$tmp/$base-merged.json"
    "$hsec" run "$ex" >"$tmp/$base-run-a.json" 2>/dev/null
    "$hsec" run "$tmp/$base-merged.json" >"$tmp/$base-run-b.json" 2>/dev/null
    same "merge-$base-run" "$tmp/$base-run-a.json" "$tmp/$base-run-b.json"
    # identical definitions given twice are kept once
    check "merge-$base-dup" 0 "$hsec" merge "$tmp/$base-model.json" "$tmp/$base-threats.json" \
        "$tmp/$base-threats.cbor" "$tmp/$base-rest.json" -o "$tmp/$base-dup.cbor"
    same_doc "merge-$base-dup-doc" "$ex" "$tmp/$base-dup.cbor"
done

# ---- conflicts, each named
ex="$examples/energy-cascade.json"
m="$tmp/energy-cascade-model.json" t="$tmp/energy-cascade-threats.json"
r="$tmp/energy-cascade-rest.json"
python3 - "$t" "$tmp/t2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["threats"] = d["threats"][:1]
d["threats"][0]["start"] = d["threats"][0].get("start", 0) + 1
json.dump(d, open(sys.argv[2], "w"))
PY
tid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["threats"][0]["id"])' "$t")
check conflict-id 1 "$hsec" merge "$m" "$t" "$tmp/t2.json" "$r" -o "$tmp/c.json"
contains conflict-id "$tmp/err" "threat \"$tid\" is defined in .*threats.json (threats\[0\]) and differently in .*t2.json"
python3 - "$m" "$tmp/l2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = dict(d["links"][0]); l["weight"] = l["weight"] / 2
json.dump({"hsec": 1, "links": [l]}, open(sys.argv[2], "w"))
PY
check conflict-link 1 "$hsec" merge "$m" "$tmp/l2.json" "$t" "$r" -o "$tmp/c.json"
contains conflict-link "$tmp/err" "link \".*\" -> \".*\" is given in .*model.json (links\[0\]) and differently in .*l2.json (links\[0\])"
printf '{"hsec": 1, "run": {"mode": "static"}}' >"$tmp/run2.json"
check conflict-run 1 "$hsec" merge "$m" "$t" "$r" "$tmp/run2.json" -o "$tmp/c.json"
contains conflict-run "$tmp/err" "\"run\" is set in both .*rest.json and .*run2.json"
printf '{"hsec": 1, "name": "another"}' >"$tmp/name2.json"
check conflict-name 1 "$hsec" merge "$m" "$tmp/name2.json" -o "$tmp/c.json"
contains conflict-name "$tmp/err" "\"name\" is set in both .*model.json and .*name2.json"
printf '{"hsec": 1, "colour": "red"}' >"$tmp/unknown.json"
check merge-unknown-key 1 "$hsec" merge "$m" "$tmp/unknown.json" -o "$tmp/c.json"
contains merge-unknown-key "$tmp/err" "unknown.json: document: unknown key \"colour\""
[ ! -e "$tmp/c.json" ] && passes=$((passes + 1)) || { echo "FAIL conflicts wrote a file"; fails=$((fails + 1)); }
# a dangling name: the merged document must load
check merge-not-loading 1 "$hsec" merge "$t" -o "$tmp/c.json"
contains merge-not-loading "$tmp/err" "merged document:"

# ---- unreadable and missing inputs; a failing merge leaves the output whole
echo "old output" >"$tmp/keep.json"
cp "$tmp/keep.json" "$tmp/keep.orig"
check merge-missing 1 "$hsec" merge "$m" "$tmp/missing.json" -o "$tmp/keep.json"
contains merge-missing "$tmp/err" "missing.json: No such file"
check merge-directory 1 "$hsec" merge "$m" "$tmp" -o "$tmp/keep.json"
contains merge-directory "$tmp/err" "$tmp"
check merge-conflict-keeps 1 "$hsec" merge "$m" "$tmp/name2.json" "$t" "$r" -o "$tmp/keep.json"
same merge-untouched "$tmp/keep.json" "$tmp/keep.orig"
ls -a "$tmp" | grep -q '\.tmp-' && { echo "FAIL a temporary was left"; fails=$((fails + 1)); } ||
    passes=$((passes + 1))
printf '{"hsec": 1, "groups": [' >"$tmp/cut.json"
check merge-malformed 1 "$hsec" merge "$m" "$tmp/cut.json" -o "$tmp/keep.json"
contains merge-malformed "$tmp/err" "cut.json"
same merge-untouched-2 "$tmp/keep.json" "$tmp/keep.orig"

# ---- usage
check merge-no-output 2 "$hsec" merge "$m"
check merge-no-input 2 "$hsec" merge -o "$tmp/x.json"
check merge-bad-option 2 "$hsec" merge --fast "$m" -o "$tmp/x.json"
check merge-bad-to 2 "$hsec" merge "$m" -o "$tmp/x.json" --to xml
check import-no-output 2 "$hsec" import-csv "$tmp/groups.csv"
check import-dangling-table 2 "$hsec" import-csv "$tmp/groups.csv" -o "$tmp/x.json" --table groups
check import-bad-option 2 "$hsec" import-csv --fast "$tmp/groups.csv" -o "$tmp/x.json"
check export-no-dir 2 "$hsec" export-csv "$ex"
check export-two-files 2 "$hsec" export-csv "$ex" "$ex" -o "$tmp/d"
check help-lists 0 "$hsec" --help
contains help-merge "$tmp/out" "merge IN... -o OUT"
contains help-import "$tmp/out" "import-csv FILE..."
contains help-export "$tmp/out" "export-csv SCENARIO -o DIR"

# ---- CSV: every example exported and imported back, the same document
for ex in "$examples"/*.json; do
    base=$(basename "$ex" .json)
    check "export-$base" 0 "$hsec" export-csv "$ex" -o "$tmp/csv-$base"
    check "import-$base" 0 "$hsec" import-csv --dir "$tmp/csv-$base" -o "$tmp/csv-$base.json"
    same_doc "csv-round-trip-$base" "$ex" "$tmp/csv-$base.json"
    check "import-files-$base" 0 "$hsec" import-csv "$tmp/csv-$base"/*.csv -o "$tmp/csv2-$base.cbor"
    same_doc "csv-round-trip-files-$base" "$ex" "$tmp/csv2-$base.cbor"
done
contains csv-per-dimension "$tmp/csv-energy-cascade/groups.csv" "vulnerability.health"
contains csv-list "$tmp/csv-energy-cascade/groups.csv" "elderly"

# numbers to the last bit, quoting both ways, extensions
cat >"$tmp/bits.json" <<'JSON'
{"hsec": 1, "name": "a \"quoted\", name\nover two lines", "x-note": " spaced ",
 "regions": [{"id": "r", "label": "Region, \"north\""}],
 "groups": [{"id": "g", "region": "r", "size": 0.1, "vulnerability": 1e-300,
             "recovery": {"health": 0.30000000000000004, "food": 5e-324},
             "weights": {"health": 2, "food": 1}, "flags": ["women", "children"], "x-n": 12}],
 "services": [{"id": "s", "kind": "water", "region": "r", "recovery": 0.7}],
 "links": [{"from": "s", "to": "g.health", "weight": 0.12345678901234568, "lag": 3}],
 "threats": [{"id": "t", "duration": null, "targets": [{"node": "s", "magnitude": 1}]},
             {"id": "u", "targets": []}],
 "run": {"mode": "dynamic", "steps": 10, "bounded": false, "bands": [2, 5]}}
JSON
check bits-valid 0 "$hsec" validate "$tmp/bits.json"
check bits-export 0 "$hsec" export-csv "$tmp/bits.json" -o "$tmp/bits"
check bits-import 0 "$hsec" import-csv --dir "$tmp/bits" -o "$tmp/bits2.json"
same_doc csv-bits "$tmp/bits.json" "$tmp/bits2.json"
contains csv-quoted "$tmp/bits/regions.csv" '"Region, ""north"""'
contains csv-shortest "$tmp/bits/groups.csv" "0.30000000000000004"

# ---- CSV errors, each naming the file, the row and the column
d="$tmp/bad"
mkdir -p "$d"
printf 'id\nr\n' >"$d/regions.csv"
printf 'id,region,size\ng,r,12a\n' >"$d/groups.csv"
check csv-bad-number 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-bad-number "$tmp/err" "groups.csv: row 2, column 3 (size): \"12a\" is not a number"
printf 'id,region,size,colour\ng,r,1,red\n' >"$d/groups.csv"
check csv-unknown-column 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-unknown-column "$tmp/err" "groups.csv: row 1, column 4 (colour): unknown column \"colour\""
printf 'id,region,size\ng,"r"x,1\n' >"$d/groups.csv"
check csv-bad-quoting 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-bad-quoting "$tmp/err" "groups.csv: row 2, column 2 (region): bad quoting"
printf 'id,region,size\ng,"r,1\n' >"$d/groups.csv"
check csv-unclosed-quote 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-unclosed-quote "$tmp/err" "groups.csv: row 2, column 2 (region): bad quoting"
printf 'id,region,size\ng,r\n' >"$d/groups.csv"
check csv-few-fields 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-few-fields "$tmp/err" "groups.csv: row 2, column 3 (size): 2 fields, the header has 3"
printf 'id,region,size\ng,r,1,2\n' >"$d/groups.csv"
check csv-many-fields 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-many-fields "$tmp/err" "groups.csv: row 2, column 4: 4 fields, the header has 3"
printf 'id,region,size\ng,r,1\n' >"$d/people.csv"
check csv-unknown-table 1 "$hsec" import-csv "$d/regions.csv" "$d/people.csv" -o "$tmp/x.json"
contains csv-unknown-table "$tmp/err" "people.csv: the file's name names no table"
check csv-table-option 0 "$hsec" import-csv "$d/regions.csv" --table groups "$d/people.csv" -o "$tmp/x.json"
printf 'threat,node,magnitude\nnone,g.health,0.5\n' >"$d/threat_targets.csv"
check csv-no-owner 1 "$hsec" import-csv "$d/regions.csv" "$d/threat_targets.csv" -o "$tmp/x.json"
contains csv-no-owner "$tmp/err" "threat_targets.csv: row 2, column 1 (threat): no threat \"none\""
printf 'id,region,size,vulnerability,vulnerability.health\ng,r,1,2,3\n' >"$d/groups.csv"
check csv-both-forms 1 "$hsec" import-csv "$d/regions.csv" "$d/groups.csv" -o "$tmp/x.json"
contains csv-both-forms "$tmp/err" "groups.csv: row 2, column 5 (vulnerability.health)"
printf 'id,region,size\ng,nowhere,1\n' >"$d/groups.csv"
echo "old" >"$tmp/keep2.json"
check csv-not-loading 1 "$hsec" import-csv "$d/groups.csv" -o "$tmp/keep2.json"
contains csv-not-loading "$tmp/err" "imported document:"
contains csv-untouched "$tmp/keep2.json" "^old$"
check csv-missing 1 "$hsec" import-csv "$d/regions.csv" "$d/missing.csv" -o "$tmp/x.json"
contains csv-missing "$tmp/err" "missing.csv"

# ---- extensions a cell could not give back are refused; those it can, kept
printf '{"hsec": 1, "x-k.y": 1}' >"$tmp/xdot.json"
check export-dotted-key 1 "$hsec" export-csv "$tmp/xdot.json" -o "$tmp/xdot"
contains export-dotted-key "$tmp/err" "x-k.y"
printf '{"hsec": 1, "regions": [{"id": "r", "x-a": {"b.c": 1}}]}' >"$tmp/xdot2.json"
check export-dotted-inner 1 "$hsec" export-csv "$tmp/xdot2.json" -o "$tmp/xdot"
contains export-dotted-inner "$tmp/err" "regions\[0\]: x-a: the key \"b.c\""
printf '{"hsec": 1, "x-s[]": "s"}' >"$tmp/xbr.json"
check export-brackets-scalar 1 "$hsec" export-csv "$tmp/xbr.json" -o "$tmp/xdot"
printf '{"hsec": 1, "x-e": {}}' >"$tmp/xempty.json"
check export-empty-object 1 "$hsec" export-csv "$tmp/xempty.json" -o "$tmp/xdot"
[ ! -e "$tmp/xdot" ] && passes=$((passes + 1)) || { echo "FAIL export wrote"; fails=$((fails + 1)); }
printf '{"hsec": 1, "x-l[]": ["s", "t"], "x-o": {"a[]": [true], "b": {"c": "d"}},
 "regions": [{"id": "r", "x-q[]": [1, "a"]}]}' >"$tmp/xok.json"
check export-brackets-list 0 "$hsec" export-csv "$tmp/xok.json" -o "$tmp/xok"
check import-brackets-list 0 "$hsec" import-csv --dir "$tmp/xok" -o "$tmp/xok2.json"
same_doc csv-brackets "$tmp/xok.json" "$tmp/xok2.json"
# a table's path that is a directory: refused before any table is written
mkdir -p "$tmp/blocked/groups.csv"
check export-blocked 1 "$hsec" export-csv "$ex" -o "$tmp/blocked"
contains export-blocked "$tmp/err" "blocked/groups.csv: is a directory"
[ "$(ls "$tmp/blocked")" = groups.csv ] && passes=$((passes + 1)) ||
    { echo "FAIL export-blocked wrote tables"; fails=$((fails + 1)); }

# ---- extension keys: one file each, many stay fast
printf '{"hsec": 1, "x-a": 1}' >"$tmp/xa.json"
printf '{"hsec": 1, "x-b": 2, "x-a": 2}' >"$tmp/xb.json"
check merge-ext-conflict 1 "$hsec" merge "$tmp/xa.json" "$tmp/xb.json" -o "$tmp/x.json"
contains merge-ext-conflict "$tmp/err" "\"x-a\" is set in both .*xa.json and .*xb.json"
python3 -c 'import json, sys; json.dump({"hsec": 1, **{"x-k%d" % i: i for i in range(40000)}}, open(sys.argv[1], "w"))' "$tmp/xmany.json"
check merge-ext-many 0 "$hsec" merge "$tmp/xmany.json" "$tmp/xa.json" -o "$tmp/xmany2.json"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
