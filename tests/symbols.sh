#!/bin/bash
# Every exported symbol starts with hsec_, the version script lists exactly
# the exported functions, and every function declared HSEC_API is exported.
set -eu
lib=$1 sym=$2 header=$3
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {sub(/@.*/, "", $3); print $3}' | sort)
bad=$(printf '%s\n' "$exported" | grep -v '^hsec_' || true)
if [ -n "$bad" ]; then
    echo "exported without the hsec_ prefix:"; echo "$bad"; exit 1
fi
script=$(grep -oE '^ +hsec_[a-z0-9_]+;' "$sym" | tr -d ' ;' | sort)
declared=$(tr '\n' ' ' < "$header" | grep -oE 'HSEC_API [^;(]*\(' | grep -oE 'hsec_[a-z0-9_]+ *\($' | tr -d ' (' | sort)
[ "$exported" = "$script" ] || { echo "exported and $sym differ:"; diff <(echo "$exported") <(echo "$script") || true; exit 1; }
[ "$exported" = "$declared" ] || { echo "exported and HSEC_API declarations differ:"; printf '%s\n' "$exported" > /tmp/e.$$; printf '%s\n' "$declared" > /tmp/d.$$; diff /tmp/e.$$ /tmp/d.$$ || true; rm -f /tmp/e.$$ /tmp/d.$$; exit 1; }
echo "$(printf '%s\n' "$exported" | wc -l) symbols, all hsec_, matching $sym and the header"
