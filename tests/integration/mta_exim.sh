#!/usr/bin/env bash
# mta_exim.sh - the built-in suite against a real Exim 4 from Debian's
# packages (unpacked beside Postfix, not installed), started on
# 127.0.0.1 in a private configuration generated from Debian's default
# one (nothing relayed, all mail discarded); see lib_mta.sh.  Exit 77
# (skip) when root is missing or Exim cannot be fetched, unless
# SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "Exim needs root to start"
# Unpacks Debian's packages once (ci/install-deps.sh does it too).
"$top/ci/mta/exim.sh" install ||
	mta_skip "Exim is not available (ci/install-deps.sh fetches it)"

mta_start exim Exim
mta_run_suite "220 .*Exim" "PIPELINING"
# STARTTLS presents the certificate ci/mta/exim.sh made, not its own.
expect_output "$SCRATCH/exim.json" '"subject": "CN=exim\.smtpconf\.test,O=smtpconf tests'
# Discarded, not delivered: Exim's own log names our router.
if grep -q ' => ' "$SCRATCH/exim/log/mainlog" &&
	grep ' => ' "$SCRATCH/exim/log/mainlog" | grep -qv 'R=smtpconf_discard'
then
	die "Exim delivered mail other than through the discard router"
fi
mta_keep_reports
exit 0
