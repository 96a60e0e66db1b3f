#!/bin/sh
# A full disk mid-save: exit 1 with the system's reason, the old file
# whole, no temporary left. Needs to mount a 64 KiB tmpfs (root); skipped
# (77) where that is not allowed.
set -u
hsec=$1 example=$2
dir=$(mktemp -d)
trap 'umount "$dir" 2>/dev/null; rmdir "$dir"' EXIT
mount -t tmpfs -o size=64k tmpfs "$dir" 2>/dev/null || { echo "cannot mount a tmpfs: skipped"; exit 77; }
printf 'old results\n' > "$dir/r.json"
"$hsec" run "$example" -o "$dir/r.json" 2> "$dir/err"
rc=$?
fail=0
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, expected 1"; fail=1; }
grep -q "No space left on device" "$dir/err" || { echo "FAIL: message:"; cat "$dir/err"; fail=1; }
[ "$(cat "$dir/r.json")" = "old results" ] || { echo "FAIL: the old file changed"; fail=1; }
[ "$(ls -A "$dir" | grep -c '\.tmp-')" -eq 0 ] || { echo "FAIL: a temporary file is left"; fail=1; }
rm -f "$dir/err"
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed"
exit "$fail"
