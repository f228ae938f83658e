#!/usr/bin/env bash
# mta_opensmtpd.sh - the built-in suite against a real OpenSMTPD from
# Debian's package (unpacked beside Postfix, not installed), started on
# 127.0.0.1 in a private mount namespace with a private configuration
# (nothing relayed, all mail discarded); see lib_mta.sh.  Exit 77 (skip)
# when root is missing or OpenSMTPD cannot be fetched, unless
# SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "OpenSMTPD needs root to start and to mount"
# Unpacks Debian's package once (ci/install-deps.sh does it too).
"$top/ci/mta/opensmtpd.sh" install ||
	mta_skip "OpenSMTPD is not available (ci/install-deps.sh fetches it)"

mta_start opensmtpd OpenSMTPD
mta_run_suite "220 .*OpenSMTPD" "ENHANCEDSTATUSCODES"
# Discarded, not delivered: every delivery went to the discard command.
if grep 'mda delivery' "$SCRATCH/opensmtpd/smtpd.log" |
	grep -qv 'user=nobody .*result=Ok'; then
	grep 'mda delivery' "$SCRATCH/opensmtpd/smtpd.log" >&2
	die "OpenSMTPD failed a delivery to the discard command"
fi
mta_keep_reports
exit 0
