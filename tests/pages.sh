#!/bin/sh
# The example pages' figures are the program's: every page under
# doc/examples/ may hold blocks
#
#   <!-- output: hsec ARGS -->
#   ```
#   what `hsec ARGS` prints
#   ```
#
# (the fenced block right after the comment, its fence of any info string).
# This reruns `hsec ARGS` from the repository root (ARGS split at spaces;
# no quoting or expansion) and fails, showing the diff, when the block is
# not the command's standard output; a command that fails fails the page.
# Write the prose from the blocks, and rerun this after any change to the
# examples or the program.
# usage: pages.sh HSEC ROOT
set -u
hsec=$1 root=$2
case $hsec in /*) ;; *) hsec=$PWD/$hsec ;; esac # before the cd below
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0
cd "$root" || exit 1
for page in doc/examples/*.md; do
    [ -e "$page" ] || continue
    rm -f "$tmp"/block.*
    awk -v dir="$tmp" '
        /^<!-- output: hsec .* -->$/ {
            n++; args = $0
            sub(/^<!-- output: hsec /, "", args); sub(/ -->$/, "", args)
            print args > (dir "/block." n ".args"); close(dir "/block." n ".args")
            printf "" > (dir "/block." n ".want"); close(dir "/block." n ".want")
            state = 1; next
        }
        state == 1 && /^```/ { state = 2; next }
        state == 1 && !/^[ \t]*$/ { print "no fenced block after the comment at line " NR > (dir "/block." n ".bad"); state = 0; next }
        state == 2 && /^```/ { state = 0; next }
        state == 2 { print >> (dir "/block." n ".want") }
    ' "$page"
    for args_file in "$tmp"/block.*.args; do
        [ -e "$args_file" ] || continue
        b=${args_file%.args}
        args=$(cat "$args_file")
        if [ -e "$b.bad" ]; then
            echo "FAIL $page: hsec $args: $(cat "$b.bad")"; fails=$((fails + 1)); continue
        fi
        # shellcheck disable=SC2086 # ARGS are split at spaces, as documented
        if ! "$hsec" $args > "$b.got" 2> "$b.err"; then
            echo "FAIL $page: hsec $args failed:"; cat "$b.err"; fails=$((fails + 1)); continue
        fi
        if diff -u "$b.want" "$b.got" > "$b.diff"; then
            passes=$((passes + 1))
        else
            echo "FAIL $page: the block of hsec $args is not its output (- page, + program):"
            cat "$b.diff"; fails=$((fails + 1))
        fi
    done
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
