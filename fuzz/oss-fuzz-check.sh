#!/usr/bin/env bash
# oss-fuzz-check.sh - CTest fuzz:oss-fuzz-build: run oss-fuzz-build.sh
# as OSS-Fuzz's libFuzzer+ASan build would (CC, CFLAGS with
# fuzzer-no-link, LIB_FUZZING_ENGINE, OUT, SRC, WORK), then check $OUT
# the way OSS-Fuzz uses it: every target CMake knows is there and
# nothing else, each with its .options and seed corpus zip, smtp.dict
# beside them, and each target runs 100 inputs past its unpacked seeds
# with the flags of its .options file, as ClusterFuzz passes them.
#
# usage: oss-fuzz-check.sh CC SCRATCH TARGET...
# SCRATCH (in the calling build tree) holds out/, work/ and seeds/;
# work/ is a CMake build tree of its own, apart from the caller's.
set -euo pipefail
cc=$1 scratch=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

# die - a message and failure
die() {
	echo "FAIL: $*" >&2
	exit 1
}

rm -rf "$scratch/out" "$scratch/seeds"
mkdir -p "$scratch/out" "$scratch/work" "$scratch/seeds"
log=$scratch/build.log
# Only what OSS-Fuzz sets: no CXXFLAGS, so the script's default (the
# CFLAGS) is tested too.
if ! env -u CXXFLAGS CC="$cc" CXX=clang++ \
	CFLAGS="-fsanitize=address,fuzzer-no-link -g" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$scratch/out" \
	SRC="$(cd "$here/../.." && pwd)" WORK="$scratch/work" \
	SMTPCONF_BUILD_JOBS=2 "$here/oss-fuzz-build.sh" >"$log" 2>&1; then
	tail -40 "$log" >&2
	die "oss-fuzz-build.sh failed (log: $log)"
fi
out=$scratch/out

# The targets in $OUT are exactly those CMake builds.
want=$(printf 'fuzz_%s\n' "$@" | sort)
got=$(cd "$out" && find . -maxdepth 1 -type f -perm -u+x -name 'fuzz_*' |
	sed 's|^\./||' | sort)
[ "$want" = "$got" ] ||
	die "targets in \$OUT: expected [$(echo $want)], got [$(echo $got)]"
[ -s "$out/smtp.dict" ] || die "no smtp.dict in \$OUT"

# options_flags OPTIONS - the [libfuzzer] section as -key=value flags
options_flags() {
	sed -n '/^\[libfuzzer\]/,/^\[/{s/^\([a-z_]*\) *= *\(.*\)$/-\1=\2/p}' \
		"$1"
}

export SMTPCONF_FUZZ_DICT=$out/smtp.dict
unset SMTPCONF_FUZZ_TARGET
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
for t in "$@"; do
	bin=$out/fuzz_$t
	opts=$out/fuzz_$t.options
	zipfile=$out/fuzz_${t}_seed_corpus.zip
	[ -s "$opts" ] || die "no $opts"
	[ -s "$zipfile" ] || die "no $zipfile"
	grep -q '^\[libfuzzer\]' "$opts" || die "$opts: no [libfuzzer]"
	seeds=$scratch/seeds/$t
	mkdir -p "$seeds"
	python3 -m zipfile -e "$zipfile" "$seeds"
	nseeds=$(find "$seeds" -type f | wc -l)
	[ "$nseeds" -gt 0 ] || die "$zipfile is empty"
	mapfile -t flags < <(options_flags "$opts")
	[ "${#flags[@]}" -gt 0 ] || die "$opts: no flags"
	# A dict= names a file in $OUT, as on ClusterFuzz.
	flags=("${flags[@]/#-dict=/-dict=$out/}")
	for f in "${flags[@]}"; do
		case $f in
		-dict=*) [ -s "${f#-dict=}" ] || die "$opts: ${f#-dict=}?" ;;
		esac
	done
	# -seed fixes the run; new inputs go into the unpacked seeds.
	if ! (cd "$scratch" && "$bin" "${flags[@]}" -seed=1 -runs=100 \
		-timeout=30 "$seeds" >"$scratch/run-$t.log" 2>&1); then
		tail -30 "$scratch/run-$t.log" >&2
		die "fuzz_$t failed on its seeds"
	fi
	grep -Eq "^Done [0-9]+ runs" "$scratch/run-$t.log" ||
		die "fuzz_$t did not do its 100 runs: $(tail -3 \
			"$scratch/run-$t.log")"
	echo "ok fuzz_$t: $nseeds seeds, ${flags[*]}"
done
exit 0
