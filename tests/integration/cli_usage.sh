#!/usr/bin/env bash
# cli_usage.sh - bad flags and bad input files: exit 2 with a precise
# message, before any connection is made.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

expect_exit 2 "$smtpconf"
expect_exit 2 "$smtpconf" frobnicate
expect_output "$SCRATCH/err" "unknown command 'frobnicate'"
expect_exit 2 "$smtpconf" run "$scenarios"
expect_output "$SCRATCH/err" "--target HOST:PORT is required"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:99999
expect_output "$SCRATCH/err" "port must be 1-65535"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:25 --bogus x
expect_output "$SCRATCH/err" "unknown option '--bogus'"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:25 \
	--step-timeout 10parsecs
expect_output "$SCRATCH/err" "bad value '10parsecs' for --step-timeout"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:25 \
	--only 'no/such/*'
expect_output "$SCRATCH/err" "no scenario matches"
expect_exit 0 "$smtpconf" run --help
expect_output "$SCRATCH/out" "usage: smtpconf run"

# A broken scenario: file:line: message, exit 2, and no connection
# attempt (the target port is closed; 3 would mean we tried it).
mkdir -p "$SCRATCH/suite"
printf 'title: t\nrfc: 5321 4.1\nlevel: MUST\n\nS: 220\nC: EHLO ${clinet}\n' \
	>"$SCRATCH/suite/broken.smtp"
printf 'title: t\nrfc: 5321 4.1\nlevel: MUTS\n\nS: 220\n' \
	>"$SCRATCH/suite/level.smtp"
expect_exit 2 "$smtpconf" run "$SCRATCH/suite" --target 127.0.0.1:9
expect_output "$SCRATCH/err" "broken.smtp:6:[0-9]+: .*undefined variable 'clinet'"
expect_output "$SCRATCH/err" "level.smtp:3(:[0-9]+)?: "
expect_exit 2 "$smtpconf" lint "$SCRATCH/suite"
expect_output "$SCRATCH/err" "broken.smtp:6:"
expect_exit 2 "$smtpconf" run "$SCRATCH/nonexistent" --target 127.0.0.1:9

# Waiver files are input too.
printf 'rfc5321/quit/basic\n' >"$SCRATCH/waivers"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:9 \
	--waivers "$SCRATCH/waivers"
expect_output "$SCRATCH/err" "waivers:1:[0-9]+: waiver for .* has no reason"

# The built-in suite lints clean and lists every scenario.
expect_exit 0 "$smtpconf" lint "$scenarios"
expect_exit 0 "$smtpconf" list "$scenarios" --tag core
expect_output "$SCRATCH/out" "rfc5321/quit/basic +MUST +RFC 5321 4.1.1.10"
exit 0
