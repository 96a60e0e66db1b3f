#!/bin/sh
# doc/tutorial.md's three tracks are the programs in examples/tutorial/,
# byte for byte (its ```c, ```python and ```go blocks against tutorial.c,
# tutorial.py and go/main.go), and its output block is what the C program
# prints. (CI also runs the Python and Go programs and compares their
# output with the C program's.)
# usage: tutorial.sh TUTORIAL_PROGRAM ROOT
set -u
prog=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
page=$root/doc/tutorial.md
# the fenced block of the given info string (the first), or the block
# right after the output comment
block() {
    awk -v want="$1" '
        state == 0 && want == "output" && /^<!-- output: / { state = 1; next }
        state == 0 && want != "output" && $0 == "```" want { state = 2; next }
        state == 1 && /^```/ { state = 2; next }
        state == 2 && /^```/ { exit }
        state == 2 { print }
    ' "$page"
}
for pair in c:examples/tutorial/tutorial.c python:examples/tutorial/tutorial.py \
    go:examples/tutorial/go/main.go; do
    lang=${pair%%:*} file=${pair#*:}
    block "$lang" > "$tmp/block"
    if [ ! -s "$tmp/block" ]; then
        echo "FAIL: doc/tutorial.md has no \`\`\`$lang block"
        fails=$((fails + 1))
    elif ! cmp -s "$tmp/block" "$root/$file"; then
        echo "FAIL: doc/tutorial.md's \`\`\`$lang block is not $file:"
        diff "$root/$file" "$tmp/block" | head -20
        fails=$((fails + 1))
    fi
done
block output > "$tmp/want"
if ! "$prog" > "$tmp/got"; then
    echo "FAIL: $prog failed"
    fails=$((fails + 1))
elif [ ! -s "$tmp/want" ] || ! cmp -s "$tmp/want" "$tmp/got"; then
    echo "FAIL: doc/tutorial.md's output block is not what the program prints:"
    diff "$tmp/want" "$tmp/got" | head -20
    fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "tutorial: the page's three tracks are the programs, its output theirs"
exit $((fails > 0))
