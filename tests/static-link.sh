#!/bin/sh
# Installs the build into a staging directory (DESTDIR) and checks what an
# installed hsec gives (doc/api.md, "Installing and linking"):
#  * the installed programs run without LD_LIBRARY_PATH and find the staged
#    libhsec (their runpath is $ORIGIN-relative);
#  * `pkg-config --static --libs hsec` and hsec-static.pc name every library
#    that each object of libhsec.a needs (a whole-archive link);
#  * libhsec linked statically, its dependencies dynamically, with the one
#    command of doc/api.md: no libhsec among the program's NEEDED entries
#    (readelf) nor what ldd loads, and the same burden as the CLI;
#  * fully static (`cc -static`, no dynamic section at all), where static
#    libraries of every dependency are there: always with -Dstatic_deps=true
#    (libcbor inside libhsec.a), else only where the system has a libcbor.a
#    (Debian has none: skipped, said below).
# Exit 77 (skipped) where a tool it needs is missing.
set -u
src=$1 build=$2 hsec=$3 example=$4 meson=${5:-}
for tool in cc pkg-config readelf ldd python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: no $tool"; exit 77; }
done
[ -n "$meson" ] || { echo "SKIP: no meson to install with"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }

stage=$tmp/stage
"$meson" install -C "$build" --no-rebuild --destdir "$stage" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL: meson install --destdir"; exit 1; }
pc=$(find "$stage" -name hsec.pc | head -n 1)
[ -n "$pc" ] && [ -f "$(dirname "$pc")/hsec-static.pc" ] || { echo "FAIL: hsec.pc, hsec-static.pc not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
prefix=$(pkg-config --variable=prefix hsec)
# the .pc files name the final prefix; here it is under the staging directory
pkgc() { pkg-config --define-variable=prefix="$stage$prefix" "$@"; }
libdir=$(pkgc --variable=libdir hsec)
want=$("$hsec" run "$example" | python3 -c 'import json,sys; print("burden %.6g" % json.load(sys.stdin)["burden"]["total"])')

# the installed CLI, without LD_LIBRARY_PATH, loads the libhsec beside it
bin=$stage$prefix/bin
if [ -x "$bin/hsec" ]; then
    found=$(env -u LD_LIBRARY_PATH ldd "$bin/hsec" | sed -n 's/.*libhsec\.so\.1 => \([^ ]*\) .*/\1/p')
    if env -u LD_LIBRARY_PATH "$bin/hsec" --version >"$tmp/version" 2>&1 && [ -n "$found" ] &&
        [ "$(realpath "$found")" = "$(realpath "$libdir/libhsec.so.1")" ]; then
        pass "installed hsec runs, with $libdir/libhsec.so.1"
    else
        cat "$tmp/version"; env -u LD_LIBRARY_PATH ldd "$bin/hsec"; fail "installed hsec does not find its libhsec"
    fi
else
    echo "skip: installed CLI check (bindir outside the prefix)"; skipped=$((skipped + 1))
fi

# libhsec.a whole: every object's needs met by the .pc files' libraries
bundled=no
nm "$libdir/libhsec.a" 2>/dev/null | grep -q ' T cbor_encode_uint$' && bundled=yes
if [ "$bundled" = yes ]; then cbor=; else cbor=-lcbor; fi
static_libs=$(pkgc --static --libs hsec | sed 's/-lhsec\b//')
for l in $cbor -lz -ljansson -lcsv -lm; do
    case " $static_libs " in *" $l "*) ;; *) fail "pkg-config --static --libs hsec lacks $l";; esac
done
cat >"$tmp/empty.c" <<'EOF'
int main(void) { return 0; }
EOF
if cc "$tmp/empty.c" -o "$tmp/whole" -Wl,--whole-archive "$libdir/libhsec.a" -Wl,--no-whole-archive \
        $static_libs 2>"$tmp/whole.log"; then
    pass "pkg-config --static --libs hsec: all of libhsec.a links"
else
    cat "$tmp/whole.log"; fail "pkg-config --static --libs hsec: all of libhsec.a does not link"
fi

check_run() { # program, what
    got=$("$1" "$example") || { fail "$2: does not run"; return; }
    [ "$got" = "$want" ] && pass "$2: $got" || fail "$2: $got, expected $want"
}

# libhsec static, its dependencies dynamic: doc/api.md's command
if cc "$src/tests/static-main.c" -o "$tmp/sim" $(pkgc --cflags --libs hsec-static) 2>"$tmp/link.log"; then
    if readelf -d "$tmp/sim" | grep NEEDED | grep -q libhsec ||
        env -u LD_LIBRARY_PATH ldd "$tmp/sim" | grep -q libhsec; then
        fail "hsec-static: libhsec linked dynamically"
    else
        pass "hsec-static: libhsec static, NEEDED $(readelf -d "$tmp/sim" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
    fi
    check_run "$tmp/sim" "hsec-static"
else
    cat "$tmp/link.log"; fail "hsec-static: link"
fi

# fully static
missing=
for a in libz.a libjansson.a libcsv.a libm.a libc.a; do
    [ -f "$(cc -print-file-name=$a)" ] || missing="$missing $a"
done
[ "$bundled" = yes ] || [ -f "$(cc -print-file-name=libcbor.a)" ] || missing="$missing libcbor.a"
if [ -n "$missing" ]; then
    if [ "$bundled" = yes ]; then
        fail "fully static: -Dstatic_deps=true, but no$missing"
    else
        echo "skip: fully static: no$missing (set up with -Dstatic_deps=true, doc/api.md)"; skipped=$((skipped + 1))
    fi
elif cc -static "$src/tests/static-main.c" -o "$tmp/full" $(pkgc --cflags --libs --static hsec-static) \
        2>"$tmp/full.log"; then
    if readelf -d "$tmp/full" | grep -q NEEDED || ldd "$tmp/full" >/dev/null 2>&1; then
        readelf -d "$tmp/full" | grep NEEDED; fail "fully static: the program is dynamic"
    else
        pass "fully static: no dynamic section"
    fi
    check_run "$tmp/full" "fully static"
else
    cat "$tmp/full.log"; fail "fully static: link"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
