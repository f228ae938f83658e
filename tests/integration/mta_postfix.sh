#!/usr/bin/env bash
# mta_postfix.sh - the built-in suite against a real Postfix from
# Debian's packages, started on 127.0.0.1 in a private configuration
# (nothing relayed, all mail discarded); see lib_mta.sh.  Exit 77 (skip)
# when Postfix or root is missing, unless SMTPCONF_REQUIRE_MTA=1 (CI).
# The run is also captured (--pcap) and checked against the transcripts
# with tshark.
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "Postfix needs root to start"
command -v postfix >/dev/null || [ -x /usr/sbin/postfix ] ||
	mta_skip "postfix is not installed (ci/install-deps.sh installs it)"

mta_start postfix Postfix
MTA_PCAP=1 mta_run_suite "220 .*Postfix" "PIPELINING"
mta_keep_reports
exit 0
