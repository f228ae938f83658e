#!/usr/bin/env bash
# cli_interrupt.sh - Ctrl-C (SIGINT) stops the run within a second or
# two and still writes reports of what ran, with exit status 130.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

# A suite of its own, so the timing does not depend on the built-in
# one: ten short scenarios of three replies each, every reply delayed
# 400 ms, so one scenario takes about 1.2 s and the run is still going
# when we interrupt it right after the first result is printed (each
# result line is flushed as it is known), however busy the machine.
mkdir -p "$SCRATCH/suite"
for i in 0 1 2 3 4 5 6 7 8 9; do
	printf 'title: t%s\nrfc: 5321 4.1.1.9\nlevel: MUST\n\nS: 220\nC: NOOP\nS: 250\nC: QUIT\nS: 221 closed\n' \
		"$i" >"$SCRATCH/suite/s$i.smtp"
done
start_mock "$mock" delay=400
"$smtpconf" run "$SCRATCH/suite" --target "127.0.0.1:$MOCK_PORT" --no-color \
	--json "$SCRATCH/r.json" --junit "$SCRATCH/r.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err" &
interrupt_after_first_result $! "$SCRATCH/out"
[ "$RUN_RC" = 130 ] || die "exit status $RUN_RC after SIGINT, expected 130"
expect_output "$SCRATCH/r.json" '"interrupted": true'
expect_output "$SCRATCH/r.json" '"verdict": "pass"'
expect_output "$SCRATCH/r.json" '"verdict": "notrun"'
expect_output "$SCRATCH/r.xml" '<skipped'
exit 0
