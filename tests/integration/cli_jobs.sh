#!/usr/bin/env bash
# cli_jobs.sh - `smtpconf run -j N`: the same results and reports as a
# serial run, in the same order (only timings differ); scenarios that
# must run alone (shutdown) still pass beside a pool; a crash under -j
# is charged to the scenario that caused it, as -j 1 charges it;
# Ctrl-C under -j still writes the reports; bad -j values are usage
# errors.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
here=$(cd "$(dirname "$0")" && pwd)
scratch_dir
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }

# run_spawned NAME MODES ARGS... - a run on its own mock; reports NAME.*
run_spawned() {
	local name=$1 modes=$2
	shift 2
	"$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
		--spawn "$mock --port \${port} --mode $modes" \
		--step-timeout 2s --no-color --json "$SCRATCH/$name.json" \
		--junit "$SCRATCH/$name.xml" --html "$SCRATCH/$name.html" \
		"$@" >"$SCRATCH/$name.txt" 2>"$SCRATCH/$name.err"
	echo $? >"$SCRATCH/$name.rc"
}

# same_reports A B - every report of run A equals run B's, timings aside
same_reports() {
	cmp -s "$SCRATCH/$1.rc" "$SCRATCH/$2.rc" ||
		die "exit $(cat "$SCRATCH/$1.rc") vs $(cat "$SCRATCH/$2.rc")"
	python3 "$here/same_reports.py" "$SCRATCH" "$1" "$2" ||
		die "the reports of $1 and $2 differ"
}

pick_port

# The whole suite, shutdown scenarios included, on a correct server:
# -j 4 and -j 1 agree on everything.  The shutdown scenarios run alone,
# so the scenarios beside them never see a server going down.
run_spawned j1 correct -j 1
run_spawned j4 correct -j 4
same_reports j1 j4
expect_output "$SCRATCH/j4.txt" "^PASS +SHOULD +rfc5321/shutdown/421-to-open-sessions:"
expect_output "$SCRATCH/j4.txt" "^[0-9]+ passed, 0 failed"

# A server that breaks rules: the failures, their order and their
# transcripts are the same too (-j8 spelt as make takes it).
run_spawned f1 unknown-502,vrfy-502 -j 1
run_spawned f8 unknown-502,vrfy-502 -j8
same_reports f1 f8
expect_output "$SCRATCH/f8.txt" "^FAIL "

# A crash under -j: noop/basic kills the server while other scenarios
# run beside it.  Those are run again alone on a fresh server, so the
# crash is charged to noop/basic only, exactly as with -j 1.
sel=(--only 'rfc5321/noop/*' --only 'rfc5321/quit/*' \
	--only 'rfc5321/rset/*' --only 'rfc5321/helo/*')
run_spawned c1 crash-on=NOOP -j 1 "${sel[@]}"
run_spawned c4 crash-on=NOOP -j 4 "${sel[@]}"
[ "$(cat "$SCRATCH/c4.rc")" = 3 ] || die "crash run exited $(cat "$SCRATCH/c4.rc")"
grep -E '^(PASS|FAIL|ERROR|SKIP)' "$SCRATCH/c1.txt" >"$SCRATCH/a"
grep -E '^(PASS|FAIL|ERROR|SKIP)' "$SCRATCH/c4.txt" >"$SCRATCH/b"
diff -u "$SCRATCH/a" "$SCRATCH/b" >&2 || die "crash verdicts differ under -j"
expect_output "$SCRATCH/c4.txt" "^ERROR +MUST +rfc5321/noop/basic:"
[ "$(grep -c '^ERROR' "$SCRATCH/c4.txt")" = \
  "$(grep -c '^ERROR' "$SCRATCH/c1.txt")" ] || die "other scenarios charged"

# Bad values are usage errors, before any connection.
for bad in "-j 0" "-j 65" "-j x" "-jx" "--jobs=-1"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:1 $bad
done

# Ctrl-C under -j 4: every scenario then running stops at its next
# step; the reports hold what ran; exit 130.
mkdir -p "$SCRATCH/slow"
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	printf 'title: t%s\nrfc: 5321 4.1.1.9\nlevel: MUST\n\nS: 220\nC: NOOP\nS: 250\nC: QUIT\nS: 221 closed\n' \
		"$i" >"$SCRATCH/slow/s$i.smtp"
done
start_mock "$mock" delay=400
"$smtpconf" run "$SCRATCH/slow" --target "127.0.0.1:$MOCK_PORT" -j 4 \
	--no-color --json "$SCRATCH/i.json" >"$SCRATCH/i.txt" 2>&1 &
interrupt_after_first_result $! "$SCRATCH/i.txt"
[ "$RUN_RC" = 130 ] || die "exit status $RUN_RC after SIGINT, expected 130"
expect_output "$SCRATCH/i.json" '"interrupted": true'
expect_output "$SCRATCH/i.json" '"verdict": "pass"'
expect_output "$SCRATCH/i.json" '"verdict": "notrun"'
exit 0
