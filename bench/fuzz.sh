#!/usr/bin/env bash
# bench/fuzz.sh - fuzzing speed: exec/s of every in-process libFuzzer
# target, and sessions/s of `smtpconf fuzz` against the mock server and
# against a real Postfix on loopback.  Results go to
# bench/results/fuzz.txt; docs/performance.md ("Fuzzing") explains them.
# Run as root on Debian 12 (Postfix needs it): `sudo bench/fuzz.sh`.
#
# It builds two trees unless they exist: build/bench-fuzz (clang,
# libFuzzer, ASan+UBSan: how CI fuzzes) and build/bench (gcc Release,
# for smtpconf fuzz).  Environment: FUZZ_SECONDS (30) per target,
# FUZZ_SESSIONS (1000) per live campaign, BENCH_RESULTS (bench/results).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=${SMTPCONF_BUILD_ROOT:-$top/build}
results=${BENCH_RESULTS:-$top/bench/results}
seconds=${FUZZ_SECONDS:-30}
sessions=${FUZZ_SESSIONS:-1000}
out=$results/fuzz.txt
work=$(mktemp -d)
pfdir=

# cleanup - stop Postfix, remove the scratch directory
cleanup() {
	[ -n "$pfdir" ] && "$top/ci/mta/postfix.sh" stop "$pfdir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

[ -x "$root/bench-fuzz/fuzz/fuzz_reply" ] ||
	"$top/ci/build.sh" "$root/bench-fuzz" -DCMAKE_C_COMPILER=clang \
		-DSMTPCONF_FUZZ=ON -DSMTPCONF_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo
[ -x "$root/bench/smtpconf" ] ||
	"$top/ci/build.sh" "$root/bench" -DCMAKE_C_COMPILER=gcc \
		-DCMAKE_BUILD_TYPE=Release
mkdir -p "$results"
{
	echo "# bench/fuzz.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
	echo "## in-process targets, ${seconds} s each, -seed=1, ASan+UBSan"
} >"$out"

# One target at a time, so that each has a core of its own.
for bin in "$root"/bench-fuzz/fuzz/fuzz_*; do
	t=${bin##*/fuzz_}
	opts=$top/fuzz/fuzz_$t.options
	[ -f "$opts" ] || opts=$top/fuzz/fuzz_live.options
	corpus=$top/corpora/$t
	[ -d "$corpus" ] || corpus=$top/corpora/live
	mkdir -p "$work/$t"
	SMTPCONF_FUZZ_DICT=$top/fuzz/smtp.dict "$bin" -seed=1 \
		-max_total_time="$seconds" -print_final_stats=1 \
		-dict="$top/fuzz/smtp.dict" \
		-max_len="$(sed -n 's/^max_len *= *//p' "$opts")" \
		"$work/$t" "$corpus" >"$work/$t.log" 2>&1 || true
	printf '%-14s %8s exec/s  %s runs\n' "$t" \
		"$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")" \
		"$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")" \
		>>"$out"
done

# live - one smtpconf fuzz campaign; its summary line into the results
live() {
	local label=$1
	shift
	echo "## smtpconf fuzz, $label, --seed 1 --runs $sessions" >>"$out"
	"$root/bench/smtpconf" fuzz --seed 1 --runs "$sessions" \
		--max-findings 1000 --no-minimize --findings "$work/f-$label" \
		-q "$@" | grep -E '^(fuzz:|states reached|findings:)' >>"$out" || true
}

port=$((20000 + RANDOM % 10000))
live mock --target "127.0.0.1:$port" \
	--spawn "$root/bench/tests/mock_smtpd --port \${port}"
if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/postfix ]; then
	pfdir=$work/postfix
	"$top/ci/mta/postfix.sh" start "$pfdir" "$((port + 1))" >/dev/null
	live postfix --target "127.0.0.1:$((port + 1))"
fi
cat "$out"
