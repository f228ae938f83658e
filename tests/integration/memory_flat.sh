#!/usr/bin/env bash
# memory_flat.sh - smtpconf's memory does not grow with the number of
# scenarios (results spooled to disk, reports streamed, scenarios
# parsed when they run): the peak RSS of a run, a list and a lint of 20
# copies of part of the suite may exceed one copy's by at most
# LIMIT_KIB.  Before the
# spool, each scenario kept about 16 KiB (transcript, parsed steps,
# its share of three report buffers): 20 copies added some 20 MiB.
# No timing is measured, only the kernel's peak RSS (peak_rss.c).
#
# usage: memory_flat.sh SMTPCONF MOCK PEAK_RSS SCENARIOS LIMIT_KIB
# LIMIT_KIB 0: skipped (exit 77), as under ASan where RSS means little.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 peak_rss=$3 scenarios=$4 limit=$5
[ "$limit" -gt 0 ] || { echo "RSS not meaningful in this build"; exit 77; }
scratch_dir
# The RFC 5321 and smuggling areas: many short sessions of every kind
# (transactions, errors, pipelining, bare CR/LF), several tags and areas.
areas="rfc5321 smuggling"
copies=20

# suite N - N copies of the areas, under $SCRATCH/sN
suite() {
	local i a
	for i in $(seq 1 "$1"); do
		mkdir -p "$SCRATCH/s$1/copy$i"
		for a in $areas; do
			cp -r "$scenarios/$a" "$SCRATCH/s$1/copy$i/"
		done
	done
}

# measure N - run the N-copy suite with all three reports; its peak RSS
measure() {
	"$peak_rss" "$SCRATCH/run$1" "$smtpconf" run "$SCRATCH/s$1" \
		--target "127.0.0.1:$MOCK_PORT" -j 2 -q --no-color \
		--json "$SCRATCH/r$1.json" --junit "$SCRATCH/r$1.xml" \
		--html "$SCRATCH/r$1.html" >"$SCRATCH/out$1" 2>&1 ||
		{ cat "$SCRATCH/out$1" >&2; die "the ${1}x run failed"; }
}

# results FILE - how many results the JSON report holds
results() {
	grep -c '^      "id": ' "$1"
}

# flat WHAT - WHAT's peak RSS ($SCRATCH/WHAT1, WHATN) grew within limit
flat() {
	local rss1 rssn
	rss1=$(cat "$SCRATCH/${1}1")
	rssn=$(cat "$SCRATCH/$1$copies")
	echo "$1 peak RSS: $one scenarios $rss1 KiB, $many: $rssn KiB"
	[ $((rssn - rss1)) -le "$limit" ] ||
		die "$1 peak RSS grew by $((rssn - rss1)) KiB from $one to" \
		    "$many scenarios (limit $limit KiB): memory follows the" \
		    "suite's size"
}

start_mock "$mock" correct
suite 1
suite "$copies"
measure 1
measure "$copies"
one=$(results "$SCRATCH/r1.json")
many=$(results "$SCRATCH/r$copies.json")
[ "$one" -gt 50 ] || die "only $one results in the 1x run"
# Every result made it into the reports of the big run.
[ "$many" -eq $((one * copies)) ] ||
	die "${copies}x run reported $many results, expected $((one * copies))"
grep -q "<testcase" "$SCRATCH/r$copies.xml" || die "no JUnit testcases"
[ "$(grep -c '<article class="sc' "$SCRATCH/r$copies.html")" -eq "$many" ] ||
	die "the ${copies}x HTML report does not show every result"
flat run

# list and lint parse every file too, and keep only its header: before,
# they held every parsed scenario (about 8 KiB each, 11 MiB more here).
for cmd in list lint; do
	for n in 1 "$copies"; do
		"$peak_rss" "$SCRATCH/$cmd$n" "$smtpconf" "$cmd" \
			"$SCRATCH/s$n" >"$SCRATCH/out" 2>&1 ||
			{ cat "$SCRATCH/out" >&2; die "$cmd of ${n}x failed"; }
	done
	expect_output "$SCRATCH/out" "^$many scenarios"
	flat "$cmd"
done
echo "ok"
