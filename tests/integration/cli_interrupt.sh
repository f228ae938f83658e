#!/usr/bin/env bash
# cli_interrupt.sh - Ctrl-C (SIGINT) stops the run within a second or
# two and still writes reports of what ran, with exit status 130.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

# Every reply is delayed, so the run is still going when we interrupt.
start_mock "$mock" delay=400
"$smtpconf" run "$scenarios" --target "127.0.0.1:$MOCK_PORT" --no-color \
	--json "$SCRATCH/r.json" --junit "$SCRATCH/r.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err" &
pid=$!
sleep 3
kill -INT "$pid"
for _ in $(seq 1 50); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; die "did not stop on SIGINT"; }
wait "$pid"
rc=$?
[ "$rc" = 130 ] || die "exit status $rc after SIGINT, expected 130"
expect_output "$SCRATCH/r.json" '"interrupted": true'
expect_output "$SCRATCH/r.json" '"verdict": "pass"'
expect_output "$SCRATCH/r.json" '"verdict": "notrun"'
expect_output "$SCRATCH/r.xml" '<skipped'
exit 0
