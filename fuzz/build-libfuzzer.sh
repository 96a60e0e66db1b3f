#!/bin/sh
# Build the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ (see doc/fuzzing.md).
#
# The library is compiled as lib/meson.build compiles it, layer by layer:
# each layer's sources see their own folder, the folders below and include/
# (base -> model -> scenario -> engine -> results -> decide), the document
# layer its own folder and include/ alone; each object is instrumented for
# coverage, and each target is linked with libFuzzer's main.
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
cc=${CC:-clang}
san="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all"
flags="-g -O1 -fno-omit-frame-pointer $san -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
flags="$flags -std=c11 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags libcbor zlib jansson)"
libs="$(pkg-config --libs libcbor zlib jansson) -lcsv -lm -lpthread"
rm -rf "$out/obj"
mkdir -p "$out/obj"

# one line per object: source, object, include path
list="$out/obj/sources"
: > "$list"
inc="-Iinclude"
for layer in base model scenario engine results decide; do
    inc="$inc -Ilib/$layer"
    for src in lib/$layer/*.c; do
        echo "$src $out/obj/$layer-$(basename "$src" .c).o $inc" >> "$list"
    done
done
for src in lib/doc/*.c; do
    echo "$src $out/obj/doc-$(basename "$src" .c).o -Iinclude -Ilib/doc" >> "$list"
done

# compile in parallel; any failure stops the build
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# shellcheck disable=SC2086
xargs -P "$jobs" -L 1 sh -c \
    'src=$1; obj=$2; shift 2; exec '"$cc"' '"$flags"' -fsanitize=fuzzer-no-link -DHSEC_BUILDING "$@" -c "$src" -o "$obj"' sh \
    < "$list"
objs=$(cut -d' ' -f2 "$list")

for t in json cbor container api; do
    # shellcheck disable=SC2086
    $cc $flags -fsanitize=fuzzer -Iinclude -Ilib "fuzz/fuzz_$t.c" $objs $libs -o "$out/fuzz_$t"
done
echo "built: $(cd "$out" && echo fuzz_*)"
