#!/bin/sh
# The economy examples are what their generator and hsec write: the table
# (examples/economy/generate.py) and the two scenarios
# (examples/economy/build.sh: import-io, then merge with the population),
# byte for byte.
#   economy.sh HSEC SOURCE_ROOT
set -u
hsec=$1 root=$2
case $hsec in /*) ;; *) hsec=$PWD/$hsec ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
python3 "$root/examples/economy/generate.py" "$tmp" || { echo "FAIL: generate.py"; exit 1; }
for f in Z.txt Y.txt; do
    cmp -s "$tmp/$f" "$root/examples/economy/$f" ||
        { echo "FAIL: examples/economy/$f is not what generate.py writes"; fails=$((fails + 1)); }
done
sh "$root/examples/economy/build.sh" "$hsec" "$tmp" || { echo "FAIL: build.sh"; exit 1; }
for f in economy-demand.json economy-supply.json; do
    if cmp -s "$tmp/$f" "$root/examples/$f"; then echo "ok $f"; else
        echo "FAIL: examples/$f is not what examples/economy/build.sh writes:"
        diff "$root/examples/$f" "$tmp/$f" | head -20
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ]
