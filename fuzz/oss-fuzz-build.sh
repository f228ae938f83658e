#!/usr/bin/env bash
# oss-fuzz-build.sh - build the fuzz targets as OSS-Fuzz and ClusterFuzzLite
# expect: from the environment's compiler and flags, into $OUT, with each
# target's seed corpus, dictionary and options beside it.
#
# Honoured: CC, CFLAGS (compile), CXX, CXXFLAGS (link: the fuzzing engine
# may be C++), LIB_FUZZING_ENGINE, OUT, WORK.  Outside OSS-Fuzz the
# defaults build ASan+UBSan libFuzzer binaries into ./out:
#
#   fuzz/oss-fuzz-build.sh && ./out/fuzz_command -runs=100000
#
# Only the parsers' sources are compiled, not all of harness/lib, so the
# build needs neither OpenSSL nor libpcap (OSS-Fuzz's MSan build would
# need them instrumented).  A target that needs a new source file gets
# it added to its list below; a link error says so.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$PWD/out}"
: "${WORK:=$(mktemp -d)}"
if command -v "${CXX:-clang++}" >/dev/null 2>&1; then
	link="${CXX:-clang++}"
	linkflags="${CXXFLAGS:-$CFLAGS}"
else
	link="$CC"
	linkflags="$CFLAGS"
fi

lib="$top/harness/lib"
# Library sources each target needs (see fuzz/CMakeLists.txt for the
# full-library build).
declare -A sources=(
	[reply]="reply.c codes.c"
	[ehlo]="reply.c codes.c ehlo.c status.c"
	[command]="command.c"
	[scenario]="reply.c codes.c ehlo.c status.c buf.c vars.c template.c
		    conds.c level.c $(cd "$lib" && echo scenario_*.c)"
)

mkdir -p "$OUT" "$WORK/obj"

# compile - one library source into $WORK/obj (once per build)
compile() {
	local obj="$WORK/obj/${1%.c}.o"

	if [ ! -f "$obj" ]; then
		# CFLAGS is a list of flags:
		# shellcheck disable=SC2086
		$CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L \
			-D_DEFAULT_SOURCE -I"$top/harness/include" -I"$lib" \
			-c "$lib/$1" -o "$obj"
	fi
	echo "$obj"
}

# seed_zip - corpora/<t>/* as $OUT/fuzz_<t>_seed_corpus.zip
seed_zip() {
	local zipfile="$OUT/fuzz_$1_seed_corpus.zip"

	rm -f "$zipfile"
	(cd "$top/corpora/$1" && zip -q -X "$zipfile" -- *)
}

for t in reply ehlo scenario command; do
	objs=()
	for src in ${sources[$t]}; do
		objs+=("$(compile "$src")")
	done
	# shellcheck disable=SC2086
	$CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		-I"$top/harness/include" -c "$top/fuzz/fuzz_$t.c" \
		-o "$WORK/obj/fuzz_$t.o"
	# shellcheck disable=SC2086
	$link $linkflags "$WORK/obj/fuzz_$t.o" "${objs[@]}" \
		$LIB_FUZZING_ENGINE -o "$OUT/fuzz_$t"
	seed_zip "$t"
	cp "$top/fuzz/fuzz_$t.options" "$OUT/"
done
cp "$top/fuzz/smtp.dict" "$OUT/"
echo "oss-fuzz-build: targets, seed corpora, dictionary and options in $OUT"
