#!/bin/sh
# Link libhsec.a into a small program with `pkg-config --static` flags, as a
# simulator would (libcbor, zlib and jansson link as the system provides
# them), run it, and check it computes what the CLI computes.
set -u
src=$1 build=$2 hsec=$3 example=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PKG_CONFIG_PATH="$build/meson-uninstalled"
libs=$(pkg-config --static --libs hsec-uninstalled | sed 's/-lhsec//')
cc "$src/tests/static-main.c" -I"$src/include" $(pkg-config --cflags hsec-uninstalled) \
    -Wl,-Bstatic -lhsec -Wl,-Bdynamic $libs -o "$tmp/sim" || { echo "FAIL: link"; exit 1; }
fail=0
if ldd "$tmp/sim" | grep -q libhsec; then echo "FAIL: libhsec linked dynamically"; fail=1; fi
got=$("$tmp/sim" "$example") || { echo "FAIL: run"; exit 1; }
want=$("$hsec" run "$example" | python3 -c 'import json,sys; print("burden %.6g" % json.load(sys.stdin)["burden"]["total"])')
[ "$got" = "$want" ] || { echo "FAIL: $got, expected $want"; fail=1; }
grep -q "Requires.private: libcbor, zlib, jansson" "$build/meson-uninstalled/hsec-uninstalled.pc" ||
    { echo "FAIL: Requires.private"; fail=1; }
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed"
exit "$fail"
