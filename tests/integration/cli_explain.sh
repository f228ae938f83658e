#!/usr/bin/env bash
# cli_explain.sh - `smtpconf explain` knows the codes of RFC 5321 and
# the enhanced codes of RFC 3463, and refuses what is neither.
. "$(dirname "$0")/lib.sh"
smtpconf=$1
scratch_dir

expect_exit 0 "$smtpconf" explain 502
expect_output "$SCRATCH/out" "^502 Command not implemented"
expect_output "$SCRATCH/out" "RFC 5321"
expect_exit 0 "$smtpconf" explain 500 5.5.1
expect_output "$SCRATCH/out" "^500 Syntax error, command unrecognized"
expect_output "$SCRATCH/out" "^5.5.1 "
expect_exit 0 "$smtpconf" explain 4.7.0
expect_output "$SCRATCH/out" "^4.7.0 "
expect_exit 2 "$smtpconf" explain 5000
expect_output "$SCRATCH/err" "'5000' is neither"
expect_exit 2 "$smtpconf" explain 6.1.1
expect_exit 2 "$smtpconf" explain
exit 0
