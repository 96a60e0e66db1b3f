#!/bin/sh
# Build the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ (see doc/fuzzing.md).
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
mkdir -p "$out"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
libs="$(pkg-config --libs libcbor zlib jansson) -lm -lpthread"
for t in json cbor container api; do
    clang $flags -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib lib/*.c \
        "fuzz/fuzz_$t.c" $libs -o "$out/fuzz_$t"
done
echo "built: $(ls "$out")"
