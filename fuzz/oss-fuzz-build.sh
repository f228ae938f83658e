#!/usr/bin/env bash
# oss-fuzz-build.sh - build every fuzz target the way OSS-Fuzz and
# ClusterFuzzLite expect: with the environment's compiler and flags,
# into $OUT, each target with its seed corpus, options and dictionary.
#
# Honoured: CC, CFLAGS (instrumentation and sanitizers come in here),
# CXX, CXXFLAGS (the link: the fuzzing engine may be C++),
# LIB_FUZZING_ENGINE, OUT, WORK (the CMake build tree goes into
# $WORK/smtpconf-build), SRC (unused: the sources are where this
# script lives, $SRC/smtpconf under OSS-Fuzz).  Outside OSS-Fuzz the
# defaults build ASan+UBSan libFuzzer binaries into ./out (the build
# tree into build-oss-fuzz/):
#
#   fuzz/oss-fuzz-build.sh && ./out/fuzz_command -runs=100000
#
# The build is CMake's (-DSMTPCONF_FUZZ=ON with SMTPCONF_FUZZ_ENGINE),
# so the sources, the targets and their corpora are listed once, in
# CMakeLists.txt and fuzz/CMakeLists.txt; fuzz/CMakeLists.txt writes
# the list of targets this script copies (fuzzers.txt).  It needs
# cmake, pkg-config, zip and the OpenSSL and libpcap headers.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}"
: "${CXX:=clang++}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
-fsanitize=fuzzer-no-link}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$PWD/out}"
: "${WORK:=$top/build-oss-fuzz}"
build=$WORK/smtpconf-build
mkdir -p "$WORK"
jobs=${SMTPCONF_BUILD_JOBS:-$(nproc)}

# Link with the C++ compiler when there is one (libFuzzer, AFL's and
# honggfuzz's drivers are C++); CMake falls back to CC without it.
cxx=()
if command -v "${CXX%% *}" >/dev/null 2>&1; then
	cxx=(-DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS")
fi

# Build type None: only $CFLAGS, no -O2 or -DNDEBUG of our own.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=None \
	-DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" "${cxx[@]}" \
	-DSMTPCONF_FUZZ=ON -DSMTPCONF_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
	-DSMTPCONF_TESTS=OFF >"$WORK/cmake-configure.log" ||
	{ cat "$WORK/cmake-configure.log" >&2; exit 1; }
cmake --build "$build" --target fuzzers -j "$jobs"

mkdir -p "$OUT"
n=0
while IFS=$'\t' read -r name bin corpus options; do
	cp "$bin" "$OUT/$name"
	cp "$options" "$OUT/$name.options"
	rm -f "$OUT/${name}_seed_corpus.zip"
	# -j: the corpus files at the top of the archive, as OSS-Fuzz
	# unpacks them; -X: no extra attributes, the same bytes each time.
	zip -q -X -j "$OUT/${name}_seed_corpus.zip" "$corpus"/*
	n=$((n + 1))
done <"$build/fuzz/fuzzers.txt"
cp "$top/fuzz/smtp.dict" "$OUT/"
echo "oss-fuzz-build: $n targets, seed corpora, options and smtp.dict" \
	"in $OUT"
