#!/usr/bin/env bash
# mta_aiosmtpd.sh - the built-in suite against aiosmtpd, Python's
# asyncio SMTP server from Debian's python3-aiosmtpd, run with its own
# command line on 127.0.0.1 (every message accepted and dropped); see
# lib_mta.sh.  Root is not needed.  Exit 77 (skip) when aiosmtpd is not
# installed, unless SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib_mta.sh" "$@"

# Debian's package is importable only by Debian's own interpreter.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	mta_skip "python3-aiosmtpd is not installed" \
		"(ci/install-deps.sh installs it)"

mta_start aiosmtpd aiosmtpd
mta_run_suite "220 .*Python SMTP" "8BITMIME"
mta_keep_reports
exit 0
