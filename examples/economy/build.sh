#!/bin/sh
# The two economy examples, from the table to the scenarios:
#   examples/economy/build.sh HSEC OUTDIR
# writes OUTDIR/economy-demand.json and OUTDIR/economy-supply.json. Each is
# the economy hsec import-io writes from Z.txt and Y.txt (demand-side or
# supply-side coefficients, with one shock), merged with people.json (the
# population, who lives from which sector, measures and run settings).
# tests/economy.sh checks that the committed examples are what this writes.
set -eu
hsec=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
# demand: the south's export orders for manufactures collapse, a fall of
# 40% of the final demand for its manufacturing
"$hsec" import-io --flows "$here/Z.txt" --final-demand "$here/Y.txt" --model demand \
    --shock south:Manufacturing=0.4 -o "$out/economy-demand-part.json"
"$hsec" merge "$out/economy-demand-part.json" "$here/people.json" -o "$out/economy-demand.json"
# supply: strikes on the north's power plants and gas network halve the
# primary inputs of its electricity and gas sector
"$hsec" import-io --flows "$here/Z.txt" --final-demand "$here/Y.txt" --model supply \
    --shock north:Electricity_and_gas=0.5 -o "$out/economy-supply-part.json"
"$hsec" merge "$out/economy-supply-part.json" "$here/people.json" -o "$out/economy-supply.json"
rm -f "$out/economy-demand-part.json" "$out/economy-supply-part.json"
