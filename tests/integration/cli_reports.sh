#!/usr/bin/env bash
# cli_reports.sh - exit codes and reports against the mock server:
# 0 when every MUST passes, 1 on a MUST failure, 3 when unreachable;
# JSON and JUnit written (atomically) in every case, waivers applied.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

run() {
	"$smtpconf" run "$scenarios" --target "127.0.0.1:$MOCK_PORT" \
		--step-timeout 2s --no-color --json "$SCRATCH/r.json" \
		--junit "$SCRATCH/r.xml" "$@"
}

start_mock "$mock" correct
expect_exit 0 run
expect_output "$SCRATCH/out" "^[0-9]+ passed, 0 failed"
expect_output "$SCRATCH/r.json" '"format": "smtpconf-results"'
expect_output "$SCRATCH/r.xml" '<testsuites'
expect_output "$SCRATCH/r.xml" 'failures="0"'
ls "$SCRATCH" | grep -q tmp && die "temporary report files left behind"
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# A SHOULD failure alone keeps exit 0; --fail-on should makes it 1.
start_mock "$mock" unknown-502
expect_exit 0 run --only 'rfc5321/unknown-verb/*'
expect_output "$SCRATCH/out" "^FAIL +SHOULD +rfc5321/unknown-verb/letters"
expect_exit 1 run --only 'rfc5321/unknown-verb/*' --fail-on must,should
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# A MUST failure: exit 1, recorded in both reports; a waiver turns it
# into "waived" (exit 0) without hiding it.
start_mock "$mock" rset-no-reset
expect_exit 1 run
expect_output "$SCRATCH/r.xml" '<failure'
expect_output "$SCRATCH/r.json" '"verdict": "fail"'
printf '# known deviation\nrfc5321/rset/clears-transaction  fixed in 2.0\n' \
	>"$SCRATCH/waivers"
expect_exit 0 run --waivers "$SCRATCH/waivers"
expect_output "$SCRATCH/out" "^WAIVED .*rfc5321/rset/clears-transaction"
expect_output "$SCRATCH/r.json" '"verdict": "waived"'
expect_output "$SCRATCH/r.json" 'fixed in 2.0'
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# Nothing listens on the port now: exit 3, and the reports say why.
expect_exit 3 run
expect_output "$SCRATCH/err" "unreachable"
expect_output "$SCRATCH/r.json" '"verdict": "error"'
expect_output "$SCRATCH/r.xml" '<error'
exit 0
